import * as RadixTooltip from '@radix-ui/react-tooltip';
import type { ComponentPropsWithRef, ReactElement } from 'react';
import './ui.css';

/**
 * A tooltip (Radix) for an icon button: shown on hover and on keyboard focus, dismissed with
 * Escape, and announced as the button's description. The button keeps its own `aria-label`; the
 * tooltip only adds the longer hint. Disabled buttons get no pointer events, so explain those in
 * text instead.
 */
export function Tooltip({ text, children, ...trigger }: { readonly text: string; readonly children: ReactElement } & Omit<ComponentPropsWithRef<'button'>, 'children'>) {
  return (
    <RadixTooltip.Provider delayDuration={400} disableHoverableContent>
      <RadixTooltip.Root>
        {/* Props and ref from an outer Radix trigger (a popover's button) reach the button too. */}
        <RadixTooltip.Trigger asChild {...trigger}>
          {children}
        </RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content className="ui-tooltip" sideOffset={4}>
            {text}
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
