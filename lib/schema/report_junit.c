/*
 * report_junit: a report as JUnit XML, one testsuite a table and one
 * testcase a type of error, for the CI servers that read JUnit.
 */

#include <stdio.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "schema/report.h"
#include "base/banned.h"

/*
 * The XML written so far to r's sink, once large: the report streamed.
 * Errors go into a failure's text in pieces, so that neither the text
 * nor the XML is ever held whole.
 */
static int
drain(xmlTextWriterPtr w, xmlBufferPtr xb, const struct report *r,
    struct buf *text)
{
	int rc = 0;

	if (text->len < REPORT_DRAIN && (r->sink == NULL ||
	    (size_t)xmlBufferLength(xb) < REPORT_DRAIN))
		return 0;
	rc |= xmlTextWriterWriteString(w, BAD_CAST text->ptr) < 0;
	buf_reset(text);
	if (r->sink == NULL || rc || xmlTextWriterFlush(w) < 0)
		return rc ? -1 : 0;
	if ((size_t)xmlBufferLength(xb) < REPORT_DRAIN)
		return 0;
	if (r->sink->failed || r->sink->write(r->sink->ctx,
	    xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) < 0) {
		r->sink->failed = 1;
		return -1;
	}
	xmlBufferEmpty(xb);
	return 0;
}

/* The testsuite of one report: a testcase for each type of error. */
static int
junit_suite(xmlTextWriterPtr w, xmlBufferPtr xb, const struct report *r)
{
	const char *file = r->file ? r->file : "-";
	struct report_iter it;
	const struct verror *err;
	char num[32];
	size_t k, types = 0;
	int rc = 0;

	for (k = 0; k < ERR_NCODES; k++)
		types += r->counts[k] > 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST file) < 0;
	snprintf(num, sizeof(num), "%zu", types ? types : 1);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", types);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures",
	    BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%.3f", r->seconds);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST num) < 0;
	if (types == 0) {
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
		    BAD_CAST file) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
		    BAD_CAST "valid") < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (k = 0; k < ERR_NCODES; k++) {
		struct buf text;

		if (!r->counts[k])
			continue;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
		    BAD_CAST file) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
		    BAD_CAST error_code_name(k)) < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "failure") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type",
		    BAD_CAST error_code_name(k)) < 0;
		snprintf(num, sizeof(num), "%llu", r->counts[k]);
		buf_init(&text, (size_t)1 << 30);
		buf_addf(&text, "%s%s %s: %s", r->dropped ? "at least " : "",
		    num, r->counts[k] == 1 && !r->dropped ? "error" : "errors",
		    error_code_title(k));
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message",
		    BAD_CAST text.ptr) < 0;
		buf_reset(&text);
		it = report_iter(r);
		while (rc == 0 && (err = report_next(&it)) != NULL) {
			if (err->code != (enum error_code)k)
				continue;
			if (err->row)
				buf_addf(&text, "row %llu", err->row);
			else if (r->package)
				buf_addstr(&text, "package");
			else
				buf_addstr(&text, "header");
			if (err->field_name && err->field_name[0])
				buf_addf(&text, ", field '%s'", err->field_name);
			else if (err->field)
				buf_addf(&text, ", field %zu", err->field);
			buf_addf(&text, ": %s\n", err->message);
			rc |= drain(w, xb, r, &text);
		}
		rc |= it.failed;
		report_iter_end(&it);
		rc |= xmlTextWriterWriteString(w, BAD_CAST text.ptr) < 0;
		buf_release(&text);
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc;
}

int
report_set_junit(const struct report_set *s, struct buf *out)
{
	xmlTextWriterPtr w;
	xmlBufferPtr xb = xmlBufferCreate();
	char num[32];
	size_t i, k, tests = 0, failures = 0;
	int rc = 0;

	if (xb == NULL || (w = xmlNewTextWriterMemory(xb, 0)) == NULL) {
		if (xb)
			xmlBufferFree(xb);
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		size_t types = 0;

		for (k = 0; k < ERR_NCODES; k++)
			types += s->r[i]->counts[k] > 0;
		tests += types ? types : 1;
		failures += types;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name",
	    BAD_CAST "muni-validate") < 0;
	snprintf(num, sizeof(num), "%zu", tests);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", failures);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures",
	    BAD_CAST num) < 0;
	for (i = 0; i < s->n; i++)
		rc |= junit_suite(w, xb, s->r[i]);
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (!rc && buf_add(out, xmlBufferContent(xb),
	    (size_t)xmlBufferLength(xb)) < 0)
		rc = 1;
	xmlBufferFree(xb);
	return rc ? -1 : 0;
}

int
report_junit(const struct report *r, struct buf *out)
{
	struct report_set s;

	s.r = &r;
	s.n = 1;
	return report_set_junit(&s, out);
}
