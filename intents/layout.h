/*
 * Russian typed with the keyboard left on the English layout: "ghbdtn"
 * for "привет", "jgthfnjh" for "оператор", "gfhjkm" for "пароль".  The
 * keys are the Russian ones, so the Latin letters come out without the
 * vowels every English and transliterated word has.
 */
#ifndef INTENTS_LAYOUT_H
#define INTENTS_LAYOUT_H

#include <stddef.h>

/*
 * Whether folded text s[0..len) (lower case) is mostly words typed on the
 * wrong layout: of its Latin words of three letters or more, more than
 * half have none of a, i, o, u and turn into Cyrillic with vowels as
 * Russian words have them ("privet vsem" is transliterated, not typed on
 * the wrong keys); English words of english[0..n) count as typed right,
 * and an address ("https://", "www.") is typed as it is.
 */
int	layout_wrong(const char *s, size_t len, const char *const *english,
	    size_t n);

/*
 * s[0..len) with each Latin letter replaced by the Russian letter on its
 * key, and ; ' , . [ ] ` too where they stand between letters (inside a
 * word: "ckj;yj" is "сложно", a comma after a word stays one).  Returns
 * an allocated string; *outlen_r is its length.
 */
char	*layout_convert(const char *s, size_t len, size_t *outlen_r);

#endif
