// chromium: Debian's Chromium driven by playwright-core, launched as every
// browser test launches it: the npm modules from the first folder of
// NODE_PATH (build/npm/node_modules), the browser from CHROMIUM (default
// /usr/bin/chromium), no sandbox (CI runs as root), nothing fetched in the
// background that a test of the pages' own requests would see.
//
//   import { launch, require } from './chromium.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';

const modules = (process.env.NODE_PATH || '').split(':')[0] || '.';

// require() of the npm modules (playwright-core, axe-core).
export const require = createRequire(path.join(path.resolve(modules),
    'x.js'));

export function launch() {
	const { chromium } = require('playwright-core');
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}
