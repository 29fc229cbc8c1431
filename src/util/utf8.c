/*
 * utf8.c — strict UTF-8 validation (RFC 3629: shortest form, no
 * surrogates, nothing above U+10FFFF) and the control-character rule for
 * citizen text.
 */
#include "util.h"

int gp_utf8_check(const char *str, size_t n, size_t *out_chars, size_t *out_bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, chars = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned cp, min;

		if (c == 0)
			goto bad;
		if (c < 0x80) {
			i++;
			chars++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			goto bad;
		}
		if (n - i < len)
			goto bad;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += len;
		chars++;
	}
	if (out_chars)
		*out_chars = chars;
	return 0;
bad:
	if (out_bad)
		*out_bad = i;
	return GP_INVALID;
}

int gp_text_has_control(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n; i++) {
		if ((s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || s[i] == 0x7F)
			return 1;
		/* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
		if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			return 1;
	}
	return 0;
}
