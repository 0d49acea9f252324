import * as RadixTabs from '@radix-ui/react-tabs';
import type { ReactNode } from 'react';
import './ui.css';

export interface TabItem<T extends string> {
  readonly id: T;
  readonly label: ReactNode;
  /** Rendered only while the tab is selected. */
  readonly render: () => ReactNode;
}

export interface TabsProps<T extends string> {
  /** The tab list's accessible name. */
  readonly label: string;
  readonly items: readonly TabItem<T>[];
  readonly value?: T;
  readonly defaultValue?: T;
  readonly onValueChange?: (id: T) => void;
}

/**
 * Tabs (Radix): one tab stop, arrow keys and Home/End move between tabs and select them, each
 * panel is labelled by its tab.
 */
export function Tabs<T extends string>({ label, items, value, defaultValue, onValueChange }: TabsProps<T>) {
  const pick = (id: string) => {
    const item = items.find((i) => i.id === id);
    if (item) onValueChange?.(item.id);
  };
  return (
    <RadixTabs.Root className="area-tabs" {...(value !== undefined ? { value } : {})} defaultValue={defaultValue ?? items[0]?.id} onValueChange={pick}>
      <RadixTabs.List className="tablist" aria-label={label}>
        {items.map((item) => (
          <RadixTabs.Trigger key={item.id} value={item.id}>
            {item.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
      {items.map((item) => (
        <RadixTabs.Content key={item.id} value={item.id} className="ui-tab-panel">
          {item.render()}
        </RadixTabs.Content>
      ))}
    </RadixTabs.Root>
  );
}
