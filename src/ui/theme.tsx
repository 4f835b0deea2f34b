// Colours by meaning, switched off entirely under NO_COLOR (https://no-color.org). Components
// never convey anything by colour alone: markers and words carry the meaning, colour repeats it.
import { colorWanted } from '../text/color.js';
import { createContext, useContext, type ReactNode } from 'react';

export type Tone = 'accent' | 'ok' | 'warn' | 'danger' | 'muted';

const TONE_COLORS: Record<Tone, string> = { accent: 'cyan', ok: 'green', warn: 'yellow', danger: 'red', muted: 'gray' };

export interface Theme {
  readonly color: boolean;
  /** The Ink colour for a tone, or undefined when colour is off. */
  tone(tone: Tone): string | undefined;
}

/** Colour in the Ink app (always on a terminal): the one decision of src/text/color.ts. */
export function colorEnabled(env: Record<string, string | undefined>): boolean {
  return colorWanted(env, true);
}

export function makeTheme(color: boolean): Theme {
  return { color, tone: (tone) => (color ? TONE_COLORS[tone] : undefined) };
}

const ThemeContext = createContext<Theme>(makeTheme(colorEnabled(process.env)));

export function ThemeProvider({ color, children }: { color: boolean; children: ReactNode }) {
  return <ThemeContext.Provider value={makeTheme(color)}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
