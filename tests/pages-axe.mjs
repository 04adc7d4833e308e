// The pages of a publication checked by axe-core (npm), the accessibility
// engine, in Debian's Chromium driven by playwright-core: for each page,
// the violations of impact "serious" or "critical" (contrast, names of
// controls and images, table headers, language...) are listed.
//
//   node pages-axe.mjs PAGE.html...
//
// Prints "ok"/"not ok" lines with what was found; exits 1 on a violation.
import path from 'node:path';
import { launch, require } from './chromium.mjs';

const pages = process.argv.slice(2);
const axe = require.resolve('axe-core/axe.min.js');
const browser = await launch();
let failed = 0;
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const file of pages) {
	const name = path.basename(path.dirname(path.resolve(file))) + '-' +
	    path.basename(file, '.html');
	await page.goto('file://' + path.resolve(file));
	await page.addScriptTag({ path: axe });
	const found = await page.evaluate(async () => {
		const r = await window.axe.run(document, {
		    resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' ||
		    v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ` +
		    `${v.nodes.length}: ${v.nodes[0].target.join(' ')})`);
	});
	if (found.length)
		failed = 1;
	console.log(`${found.length ? 'not ok' : 'ok'} ${name}: ` +
	    (found.length ? found.join('; ') : 'no serious violation'));
}
await browser.close();
process.exit(failed);
