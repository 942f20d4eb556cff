// Compiles messages/*.json into src/lib/paraglide/ (generated, not committed). The Vite plugin
// does the same on every build and dev start; this is for `npm run check` on a fresh clone.
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from './paraglide-options.js';

await compile(paraglideOptions);
