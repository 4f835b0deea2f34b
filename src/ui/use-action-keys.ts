// Binds single keys to the actions a screen offers (built by the App from what the machine
// accepts right now), so screens never decide what is allowed, they only list it.
import { useInput } from 'ink';

export interface ScreenAction {
  /** One character, or a named key: 'enter', 'escape'. */
  readonly key: string;
  /** Other keys that do the same (Enter, where y confirms). */
  readonly aliases?: readonly string[] | undefined;
  readonly label: string;
  readonly run: () => void;
  /** Dangerous: the operator must type this text (a key id) before `run` is called. */
  readonly typeToConfirm?: string | undefined;
}

export function useActionKeys(
  actions: readonly ScreenAction[],
  onAction: (action: ScreenAction) => void,
  isActive = true,
): void {
  useInput(
    (input, key) => {
      const pressed = key.return ? 'enter' : key.escape ? 'escape' : input.toLowerCase();
      const action = actions.find((a) => a.key === pressed || a.aliases?.includes(pressed));
      if (action) onAction(action);
    },
    { isActive: isActive && actions.length > 0 },
  );
}

/** How an action's key is written in the footer. */
export function keyLabel(key: string): string {
  return key === 'enter' ? 'Enter' : key === 'escape' ? 'Esc' : key === 'space' ? 'Space' : key;
}

/** An action's keys as the footer writes them: "Enter/y". */
export function keysLabel(action: Pick<ScreenAction, 'key' | 'aliases'>): string {
  return [...(action.aliases ?? []), action.key].map(keyLabel).join('/');
}
