import { useId, useState, type ReactNode } from 'react';
import './ui.css';

export interface ComboboxOption {
  readonly id: string;
  readonly label: string;
  /** A second line (owner, id …). */
  readonly detail?: ReactNode;
}

export interface ComboboxProps {
  /** The visible label of the text field. */
  readonly label: string;
  /** What the person typed. */
  readonly value: string;
  readonly onValueChange: (text: string) => void;
  /** Suggestions for what was typed (the caller fetches and filters them). */
  readonly options: readonly ComboboxOption[];
  readonly onPick: (option: ComboboxOption) => void;
  /** The listbox's name, e.g. "Matching groups". */
  readonly listLabel: string;
  readonly className?: string;
  readonly placeholder?: string;
}

/**
 * A type-ahead: an editable combobox with a list of suggestions, after the ARIA 1.2 combobox
 * pattern (APG "list autocomplete"). Radix has no combobox, so this one is hand-made and small:
 * the field keeps the focus; Down/Up move the active option (`aria-activedescendant`), Enter
 * picks it, Escape closes the list (a second Escape clears the field), a click picks too.
 */
export function Combobox({ label, value, onValueChange, options, onPick, listLabel, className, placeholder }: ComboboxProps) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const shown = open && options.length > 0;
  const activeOption = shown && active >= 0 ? options[active] : undefined;
  const optionId = (i: number) => `${uid}-option-${i}`;
  const pick = (option: ComboboxOption) => {
    onPick(option);
    setOpen(false);
    setActive(-1);
  };
  return (
    <div className={`ui-combobox${className ? ` ${className}` : ''}`}>
      <label htmlFor={`${uid}-input`}>{label}</label>
      <input
        id={`${uid}-input`}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={`${uid}-list`}
        aria-activedescendant={activeOption ? optionId(active) : undefined}
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        onChange={(e) => {
          onValueChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (!open) setOpen(true);
            if (options.length === 0) return;
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActive((i) => (i < 0 ? (step > 0 ? 0 : options.length - 1) : (i + step + options.length) % options.length));
          } else if (e.key === 'Enter' && activeOption) {
            e.preventDefault();
            pick(activeOption);
          } else if (e.key === 'Escape') {
            if (shown) {
              e.preventDefault();
              setOpen(false);
              setActive(-1);
            } else if (value) {
              e.preventDefault();
              onValueChange('');
            }
          }
        }}
      />
      <ul id={`${uid}-list`} role="listbox" aria-label={listLabel} className="ui-listbox" hidden={!shown}>
        {options.map((option, i) => (
          <li
            key={option.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className="ui-option"
            // Keep the focus in the field: the click picks without a blur first.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(option)}
          >
            <span>{option.label}</span>
            {option.detail !== undefined && <span className="ui-option-detail">{option.detail}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
