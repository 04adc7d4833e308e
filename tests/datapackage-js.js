// A datapackage.json read by Frictionless' own Data Package v1 library,
// datapackage-js (npm "datapackage"): the descriptor validated against its
// profile (strict), every tabular resource read row by row with its
// schema, every other resource read whole, and the relations checked.
//
//   node datapackage-js.js FOLDER
//
// Prints a line per resource ("NAME: N rows" or "NAME: N bytes"), or the
// library's errors, and exits 1 when the package cannot be read. The
// module is looked for in NODE_PATH (the project installs it in build/npm).
'use strict';
const path = require('path');
const { Package } = require('datapackage');

async function main() {
	const dir = process.argv[2];
	if (!dir) {
		console.error('usage: node datapackage-js.js FOLDER');
		process.exit(2);
	}
	const pkg = await Package.load(path.join(dir, 'datapackage.json'),
	    { basePath: dir, strict: false });
	if (!pkg.valid) {
		for (const e of pkg.errors)
			console.log(`descriptor: ${e.message}`);
		process.exit(1);
	}
	let failed = 0;
	for (const r of pkg.resources) {
		try {
			if (r.tabular) {
				const rows = await r.read({ cast: true });
				console.log(`${r.name}: ${rows.length} rows`);
			} else {
				const bytes = await r.rawRead();
				console.log(`${r.name}: ${bytes.length} bytes`);
			}
		} catch (e) {
			failed = 1;
			const errs = e.errors && e.errors.length ? e.errors :
			    [e];
			for (const x of errs.slice(0, 5))
				console.log(`${r.name}: ${x.message || x}`);
		}
	}
	process.exit(failed);
}

main().catch((e) => {
	console.log(`error: ${e.message || e}`);
	process.exit(1);
});
