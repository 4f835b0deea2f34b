// Every test file gets an Ink that draws each frame, as on a person's terminal, even when CI is set
// (CI sets it; Ink would otherwise only draw the last frame and ink-testing-library would see nothing).
import { loadInkLive } from '../../src/ui/load-ink-live.js';

await loadInkLive();
