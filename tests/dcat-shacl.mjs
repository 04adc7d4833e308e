// A catalog.rdf checked against the official DCAT-AP 3.0.1 SHACL shapes
// (../shared/standards/dcat-ap-3.0.1), with npm's rdf-validate-shacl:
// the validator SOURCE.txt names. The data graph is the catalogue and the
// offline facts about the EU vocabularies (eu-vocabularies.ttl), as
// SOURCE.txt says to load them.
//
//   node dcat-shacl.mjs STANDARDS_DIR catalog.rdf [SHAPES...]
//
// SHAPES default to shapes.ttl range.ttl mdr-vocabularies.shape.ttl
// shapes_recommended.ttl. Prints one line per result (severity, focus
// node, path, message), then "violations N warnings N", and exits 0.
// The node modules are looked for in NODE_PATH's first folder (the
// project installs them in build/npm).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [dir, catalog, ...shapeFiles] = process.argv.slice(2);
if (!dir || !catalog) {
	console.error('usage: node dcat-shacl.mjs STANDARDS_DIR catalog.rdf [SHAPES...]');
	process.exit(2);
}
const modules = (process.env.NODE_PATH || '').split(':')[0] || '.';
const require = createRequire(path.join(path.resolve(modules), 'x.js'));
const load = async (name) => import(require.resolve(name));
const rdf = (await load('@zazuko/env-node')).default;
const SHACLValidator = (await load('rdf-validate-shacl')).default;
const { RdfXmlParser } = await load('rdfxml-streaming-parser');
const N3 = (await load('n3')).default;

function turtle(file, dataset) {
	const quads = new N3.Parser({ baseIRI: 'file://' + file })
	    .parse(fs.readFileSync(file, 'utf8'));
	for (const q of quads)
		dataset.add(q);
}

function rdfxml(file, dataset) {
	return new Promise((resolve, reject) => {
		const parser = new RdfXmlParser({ dataFactory: rdf });
		parser.on('data', (q) => dataset.add(q));
		parser.on('error', reject);
		parser.on('end', resolve);
		parser.write(fs.readFileSync(file, 'utf8'));
		parser.end();
	});
}

const shapes = rdf.dataset();
const files = shapeFiles.length ? shapeFiles : ['shapes.ttl', 'range.ttl',
    'mdr-vocabularies.shape.ttl', 'shapes_recommended.ttl'];
for (const f of files)
	turtle(path.join(dir, f), shapes);
const data = rdf.dataset();
await rdfxml(catalog, data);
turtle(path.join(dir, 'eu-vocabularies.ttl'), data);

const validator = new SHACLValidator(shapes, { factory: rdf });
const report = await validator.validate(data);
const counts = { Violation: 0, Warning: 0, Info: 0 };
const lines = new Set();
for (const r of report.results) {
	const sev = r.severity ? r.severity.value.replace(/.*#/, '') : '?';
	const msg = r.message.map((m) => m.value).join(' / ');
	const line = `${sev}\t${r.focusNode ? r.focusNode.value : ''}\t` +
	    `${r.path ? r.path.value : ''}\t${msg}` +
	    (r.value ? `\t${r.value.termType === 'BlankNode' ? '_' :
	    r.value.value}` : '');
	// The same result from two shapes files counts once.
	if (lines.has(line))
		continue;
	lines.add(line);
	counts[sev] = (counts[sev] || 0) + 1;
	console.log(line);
}
console.log(`violations ${counts.Violation} warnings ${counts.Warning}`);
