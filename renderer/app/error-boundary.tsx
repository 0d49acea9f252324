import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  readonly area: string;
  readonly children: ReactNode;
}
interface State {
  readonly error: Error | null;
}

/** Keeps one broken view from blanking the whole window; the rest of the app stays usable. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Ferry: the ${this.props.area} view failed`, error, info.componentStack);
  }

  override componentDidUpdate(prev: Props): void {
    if (prev.area !== this.props.area && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel error-panel" role="alert">
        <h2>This view stopped working</h2>
        <p>{this.state.error.message}</p>
        <p className="muted">Your data is safe: nothing was lost. Try again, or switch to another area.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
