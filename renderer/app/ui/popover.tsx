import * as RadixPopover from '@radix-ui/react-popover';
import type { ReactElement, ReactNode } from 'react';
import './ui.css';

export interface PopoverProps {
  /** The button that opens it; it gets `aria-expanded` and `aria-controls`. */
  readonly trigger: ReactElement;
  /** The popover's accessible name (it is a non-modal dialog). */
  readonly label: string;
  readonly children: ReactNode;
  readonly open?: boolean;
  readonly onOpenChange?: (open: boolean) => void;
}

/**
 * A popover (Radix): a non-modal dialog next to its button; focus moves into it, Escape or a click
 * outside closes it and focus returns to the button.
 */
export function Popover({ trigger, label, children, open, onOpenChange }: PopoverProps) {
  return (
    <RadixPopover.Root {...(open !== undefined ? { open } : {})} {...(onOpenChange ? { onOpenChange } : {})}>
      <RadixPopover.Trigger asChild>{trigger}</RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content className="ui-popover" aria-label={label} sideOffset={6} align="start" collisionPadding={12}>
          {children}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}
