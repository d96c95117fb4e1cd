/*
 * uri.c - relative URL resolution (libxml2's RFC 3986 xmlBuildURI) and the
 * scheme allow-list shared by the feed parser and the sanitiser.
 */
#include "feed/feed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include "core/banned.h"

/* Length of the scheme of s ("http" in "http://..."), 0 when none. */
static size_t scheme_len(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n && i < 32; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			return i;
		if (!isalnum(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

bool loa_feed_url_safe(const char *url, size_t n)
{
	static const char *const ok[] = {"http", "https", "ftp", "mailto", "tel", "news",
					 "nntp", "feed", "magnet", "sms", "urn", "tag"};
	/* browsers ignore leading spaces and control bytes in a scheme */
	while (n && ((unsigned char)*url <= ' '))
		url++, n--;
	size_t k = scheme_len(url, n);
	if (k == 0) {
		/* relative; but "java\tscript:" tricks have no valid scheme and
		 * contain a ':' before any '/', '?' or '#' */
		for (size_t i = 0; i < n; i++) {
			if (url[i] == '/' || url[i] == '?' || url[i] == '#')
				break;
			if (url[i] == ':')
				return false;
		}
		return true;
	}
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strlen(ok[i]) == k && strncasecmp(url, ok[i], k) == 0)
			return true;
	return false;
}

int loa_feed_resolve_url(const char *base, const char *ref, size_t reflen, loa_buf *out)
{
	while (reflen && ((unsigned char)*ref <= ' '))
		ref++, reflen--;
	while (reflen && ((unsigned char)ref[reflen - 1] <= ' '))
		reflen--;
	if (!base || !*base || scheme_len(ref, reflen) || reflen > 8192)
		return loa_buf_append(out, ref, reflen);
	char small[512];
	char *r = small;
	if (reflen >= sizeof small) {
		r = malloc(reflen + 1);
		if (!r)
			return LOA_ENOMEM;
	}
	memcpy(r, ref, reflen);
	r[reflen] = '\0';
	xmlChar *abs = xmlBuildURI((const xmlChar *)r, (const xmlChar *)base);
	int rc;
	if (abs) {
		rc = loa_buf_puts(out, (const char *)abs);
		xmlFree(abs);
	} else {
		rc = loa_buf_append(out, ref, reflen);
	}
	if (r != small)
		free(r);
	return rc;
}
