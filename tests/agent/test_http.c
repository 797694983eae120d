/*
 * Tests of the server's pure helpers: JSON nesting depth (the 16-level
 * limit is checked before jansson parses), the listen setting, the rate
 * limits' windows, amounts and open counts, and whom a request is from
 * behind trusted proxies.
 */
#include <check.h>
#include <string.h>

#include "agent/core/config.h"
#include "agent/web/http.h"
#include "agent/web/ratelimit.h"
#include "lib/peer.h"

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
	/* Amounts: bytes of a day, given back when an upload fails. */
	r = ratelimit_new(86400);
	ck_assert_int_eq(ratelimit_take(r, "a", 600, 1000, 1000), 0);
	ck_assert_int_eq(ratelimit_take(r, "a", 600, 1000, 1100), 86300);
	ratelimit_give(r, "a", 600, 1100);
	ck_assert_int_eq(ratelimit_take(r, "a", 1000, 1000, 1200), 0);
	ratelimit_free(&r);
}
END_TEST

static const char *
client(const struct peer_list *trusted, const char *peer,
    enum peer_header kind, const char *header)
{
	static char	buf[PEER_ADDR_MAX];

	peer_client(trusted, peer, kind, header, buf, sizeof(buf));
	return buf;
}

START_TEST(test_proxies_lists)
{
	struct peer_list	 l;
	const char		*why = NULL;

	ck_assert_int_eq(peer_list_parse("", 0, &l, &why), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(peer_list_parse("127.0.0.1, 10.0.0.0/8 fd00::/8",
	    30, &l, &why), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert(peer_list_has(&l, "10.200.3.4"));
	ck_assert(peer_list_has(&l, "::ffff:10.1.1.1"));
	ck_assert(peer_list_has(&l, "fd12::1"));
	ck_assert(!peer_list_has(&l, "11.0.0.1"));
	ck_assert(!peer_list_has(&l, "127.0.0.2"));
	ck_assert(!peer_list_has(&l, "nonsense"));
	ck_assert_int_eq(peer_list_parse("10.0.0.0/", 9, &l, &why), -1);
	ck_assert_int_eq(peer_list_parse("::1/129", 7, &l, &why), -1);
	ck_assert_int_eq(peer_list_parse("host.example", 12, &l, &why), -1);
	ck_assert(peer_is_loopback("127.0.0.2"));
	ck_assert(peer_is_loopback("::1"));
	ck_assert(peer_is_loopback("::ffff:127.0.0.1"));
	ck_assert(!peer_is_loopback("198.51.100.1"));
}
END_TEST

START_TEST(test_proxies_name_the_citizen)
{
	struct peer_list	 l;
	const char		*why = NULL;
	char			 v[64];

	ck_assert_int_eq(peer_list_parse("10.0.0.1 10.0.0.2", 17, &l, &why),
	    0);
	/* Not from a proxy: the header proves nothing. */
	ck_assert_str_eq(client(&l, "198.51.100.1", PEER_XFF, "1.2.3.4"),
	    "198.51.100.1");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF, NULL), "10.0.0.1");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF, "198.51.100.7"),
	    "198.51.100.7");
	/* Read from the right: what the citizen wrote first is ignored. */
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF,
	    "6.6.6.6, 198.51.100.7"), "198.51.100.7");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF,
	    "6.6.6.6, 198.51.100.7, 10.0.0.2"), "198.51.100.7");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF,
	    " 198.51.100.7:4711 "), "198.51.100.7");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF,
	    "[2001:db8::1]:80"), "2001:db8::1");
	/* Rubbish where the citizen should be: the proxy that wrote it. */
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_XFF,
	    "198.51.100.7, unknown, 10.0.0.2"), "10.0.0.2");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_FORWARDED,
	    "for=192.0.2.60;proto=http;by=203.0.113.43, "
	    "for=\"[2001:db8:cafe::17]:4711\""), "2001:db8:cafe::17");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_FORWARDED,
	    "For=\"198.51.100.9:1\";proto=https"), "198.51.100.9");
	ck_assert_str_eq(client(&l, "10.0.0.1", PEER_FORWARDED,
	    "for=_hidden"), "10.0.0.1");
	ck_assert_str_eq(client(&l, "::ffff:10.0.0.1", PEER_XFF,
	    "198.51.100.7"), "198.51.100.7");
	ck_assert_int_eq(peer_last_value("http, https", NULL, v, sizeof(v)),
	    0);
	ck_assert_str_eq(v, "https");
	ck_assert_int_eq(peer_last_value("for=1.2.3.4;proto=http, "
	    "for=5.6.7.8;host=\"a.example\";proto=https", "proto", v,
	    sizeof(v)), 0);
	ck_assert_str_eq(v, "https");
	ck_assert_int_eq(peer_last_value("for=1.2.3.4", "host", v,
	    sizeof(v)), -1);
	ck_assert_int_eq(peer_last_value(NULL, NULL, v, sizeof(v)), -1);
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
	tcase_add_test(tc, test_proxies_lists);
	tcase_add_test(tc, test_proxies_name_the_citizen);
	suite_add_tcase(s, tc);
	return s;
}
