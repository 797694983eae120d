/*
 * Allocation wrappers that abort on out-of-memory.  Every size that input
 * controls is capped before it reaches these (lib/limits.h), so running out
 * of memory is not reachable from outside and callers never check.
 */
#ifndef LIB_XMALLOC_H
#define LIB_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
/*
 * Room for element n of an array of n that only ever grows one element at
 * a time through xgrow, from NULL: it doubles when n reaches a power of two
 * (8 at least), so appending n elements copies O(n) bytes, not O(n^2) as a
 * realloc to n + 1 does wherever realloc cannot grow in place (and always
 * under AddressSanitizer, where the category files' 40,000 needles took
 * seconds of mmap and munmap).
 */
void	*xgrow(void *, size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string; the caller frees it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
