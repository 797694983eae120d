/*
 * xgrow: an array appended to one element at a time keeps every element
 * it was given, whatever the count crosses (the first 8, then each power
 * of two), and reallocates only at those counts, so that the category
 * files' tens of thousands of needles load in linear time.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/xmalloc.h"

Suite	*xmalloc_suite(void);

START_TEST(test_grow_keeps_every_element)
{
	uint32_t	*v = NULL;
	size_t		 n, i;

	for (n = 0; n < 5000; n++) {
		v = xgrow(v, n, sizeof(*v));
		v[n] = (uint32_t)(n * 2654435761u);
	}
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(v[i], (uint32_t)(i * 2654435761u));
	free(v);
}
END_TEST

START_TEST(test_grow_moves_only_at_powers_of_two)
{
	char	*v = NULL, *before;
	size_t	 n, moves = 0;

	for (n = 0; n < 4096; n++) {
		before = v;
		v = xgrow(v, n, 1);
		/* Between the doublings the array is handed back as it is. */
		if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
			ck_assert_ptr_eq(v, before);
		else
			moves++;
		v[n] = (char)n;
	}
	ck_assert_uint_eq(moves, 1 + 9);	/* at 0, then at 8, 16, ..., 2048 */
	free(v);
}
END_TEST

Suite *
xmalloc_suite(void)
{
	Suite	*s = suite_create("xmalloc");
	TCase	*tc = tcase_create("grow");

	tcase_add_test(tc, test_grow_keeps_every_element);
	tcase_add_test(tc, test_grow_moves_only_at_powers_of_two);
	suite_add_tcase(s, tc);
	return s;
}
