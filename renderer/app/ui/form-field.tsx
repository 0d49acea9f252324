import { useId, type ReactNode } from 'react';

/** What a field's control gets: its id, whether it is invalid, and what describes it. */
export interface FormFieldProps {
  readonly id: string;
  readonly 'aria-invalid': boolean;
  readonly 'aria-describedby'?: string;
}

/**
 * One labelled form field: the control (from `children`, given its id and ARIA wiring), the error
 * for `field` if any, and help text, both tied to the control with aria-describedby.
 */
export function FormField<F extends string>({
  label,
  field,
  errors,
  help,
  className,
  children,
}: {
  label: string;
  field: F;
  errors: Partial<Record<F, string>>;
  help?: string | undefined;
  className: string;
  children: (props: FormFieldProps) => ReactNode;
}) {
  const id = useId();
  const error = errors[field];
  const described = [error ? `${id}-error` : null, help ? `${id}-help` : null].filter(Boolean).join(' ');
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error !== undefined, ...(described ? { 'aria-describedby': described } : {}) })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {help && (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}
