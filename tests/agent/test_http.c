/*
 * Tests of the server's pure helpers: JSON nesting depth (the 16-level
 * limit is checked before jansson parses), the listen setting, and the
 * rate limits' windows and open counts.
 */
#include <check.h>
#include <string.h>

#include "agent/config.h"
#include "agent/http.h"
#include "agent/ratelimit.h"

Suite	*http_suite(void);

static int
depth(const char *s)
{
	return http_json_depth(s, strlen(s));
}

START_TEST(test_json_depth)
{
	ck_assert_int_eq(depth("{}"), 1);
	ck_assert_int_eq(depth("{\"a\": [1, {\"b\": []}]}"), 4);
	ck_assert_int_eq(depth("{\"t\": \"[[[[{{{{\"}"), 1);
	ck_assert_int_eq(depth("{\"t\": \"\\\"[[[\"}"), 1);
	ck_assert_int_eq(depth("[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]"), 17);
	ck_assert_int_eq(depth("42"), 0);
}
END_TEST

START_TEST(test_listen_setting)
{
	char	addr[64];
	int	port;

	ck_assert_int_eq(config_listen_parse(NULL, addr, sizeof(addr), &port),
	    0);
	ck_assert_str_eq(addr, "127.0.0.1");
	ck_assert_int_eq(port, 8080);
	ck_assert_int_eq(config_listen_parse("[::1]:9000", addr, sizeof(addr),
	    &port), 0);
	ck_assert_str_eq(addr, "::1");
	ck_assert_int_eq(port, 9000);
	ck_assert_int_eq(config_listen_parse("0.0.0.0:0", addr, sizeof(addr),
	    &port), -1);
	ck_assert_int_eq(config_listen_parse("localhost:80", addr,
	    sizeof(addr), &port), -1);
	ck_assert_int_eq(config_listen_parse("127.0.0.1:65536", addr,
	    sizeof(addr), &port), -1);
	ck_assert_int_eq(config_listen_parse("127.0.0.1", addr, sizeof(addr),
	    &port), -1);
	ck_assert_int_eq(config_listen_parse("127.0.0.1:8o", addr,
	    sizeof(addr), &port), -1);
}
END_TEST

START_TEST(test_rate_windows)
{
	struct ratelimit	*r = ratelimit_new(60);
	int			 i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(ratelimit_hit(r, "1.2.3.4", 3, 1000), 0);
	ck_assert_int_eq(ratelimit_hit(r, "1.2.3.4", 3, 1010), 50);
	ck_assert_int_eq(ratelimit_hit(r, "5.6.7.8", 3, 1010), 0);
	ck_assert_int_eq(ratelimit_hit(r, "1.2.3.4", 3, 1060), 0);
	ck_assert_int_eq(ratelimit_add(r, "c", 1), 1);
	ck_assert_int_eq(ratelimit_add(r, "c", 1), 2);
	ck_assert_int_eq(ratelimit_add(r, "c", -1), 1);
	ratelimit_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

Suite *
http_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("http");
	tc = tcase_create("helpers");
	tcase_add_test(tc, test_json_depth);
	tcase_add_test(tc, test_listen_setting);
	tcase_add_test(tc, test_rate_windows);
	suite_add_tcase(s, tc);
	return s;
}
