#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "http.h"
#include "version.h"
#include "banned.h"

int
http_is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *out = arg;

	if (buf_add(out, p, size * n) < 0)
		return 0;	/* over the cap: curl stops with an error */
	return size * n;
}

int
http_get(const char *url, struct buf *out, int status_on_error,
    struct muni_err *e)
{
	static int initialised;
	char agent[64], why[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;
	CURL *c;

	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			err_set(e, MUNI_EXIT_IO, "cannot initialise libcurl");
			return -1;
		}
		initialised = 1;
	}
	c = curl_easy_init();
	if (c == NULL) {
		err_set(e, MUNI_EXIT_IO, "cannot initialise libcurl");
		return -1;
	}
	snprintf(agent, sizeof(agent), "muni/%s", muni_version());
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	    CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)out->max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		err_set(e, status_on_error, "cannot fetch '%s': %s", url,
		    why[0] ? why : curl_easy_strerror(rc));
		return -1;
	}
	if (code >= 400) {
		err_set(e, status_on_error, "cannot fetch '%s': the server "
		    "answered HTTP %ld", url, code);
		return -1;
	}
	return 0;
}
