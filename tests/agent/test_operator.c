/*
 * Tests of agent/core/operator.c: accounts and their checks, argon2id sign-in,
 * throttling that pauses the guessing address with doubling waits but not
 * the operator elsewhere, sessions that end on sign-out, expiry and every
 * change of the account's rights, the CSRF comparison and the role bits.
 * Sign-ins are journalled.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/audit.h"
#include "agent/core/operator.h"
#include "agent/core/state.h"
#include "lib/sqldb.h"

Suite	*operator_suite(void);

#define NOW	((time_t)1772355600)

static sqlite3	*db;

static void
setup(void)
{
	char	*err = NULL;

	ck_assert_msg(state_open(":memory:", &db, &err) == 0, "%s", err);
	ck_assert_msg(operator_add(db, "anna", "operator", "correct horse",
	    NOW, &err) == 0, "%s", err);
}

static void
teardown(void)
{
	sqldb_close(&db);
}

static int	retry;

static int
login_from(const char *ip, const char *name, const char *pw, time_t now,
    enum core_err *why, char token[OPERATOR_TOKEN_MAX],
    struct operator_session *s)
{
	char	*err = NULL;
	int	 rc;

	rc = operator_login(db, name, pw, ip, now, token, s, why, &retry,
	    &err);
	free(err);
	return rc;
}

static int
login(const char *name, const char *pw, time_t now, enum core_err *why,
    char token[OPERATOR_TOKEN_MAX], struct operator_session *s)
{
	return login_from("127.0.0.1", name, pw, now, why, token, s);
}

START_TEST(test_right_password_signs_in)
{
	struct operator_session	s, again;
	char			token[OPERATOR_TOKEN_MAX], *err = NULL;
	enum core_err			why;

	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_str_eq(s.name, "anna");
	ck_assert_str_eq(s.role, "operator");
	ck_assert_uint_eq(strlen(token), 43);
	ck_assert_int_eq(operator_auth(db, token, NOW + 60, &again, &err), 1);
	ck_assert_str_eq(again.csrf, s.csrf);
	/* The database keeps no usable copy of the cookie. */
	ck_assert_int_eq(operator_auth(db, "x", NOW, &again, &err), 0);
}
END_TEST

START_TEST(test_wrong_password_and_unknown_name_are_401)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX];
	enum core_err			why;

	ck_assert_int_eq(login("anna", "wrong horse", NOW, &why, token,
	    &s), -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	ck_assert_int_eq(login("nobody", "correct horse", NOW, &why, token,
	    &s), -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	ck_assert_int_eq(login("Anna; DROP", "x", NOW, &why, token, &s),
	    -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
}
END_TEST

START_TEST(test_failures_pause_the_guesser_not_the_operator)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX];
	enum core_err			why;
	int			i;

	for (i = 0; i < OPERATOR_FREE_PAIR; i++) {
		ck_assert_int_eq(login_from("10.0.0.9", "anna", "guess", NOW,
		    &why, token, &s), -1);
		ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	}
	/* The guesser waits the first pause, even with the right one. */
	ck_assert_int_eq(login_from("10.0.0.9", "anna", "correct horse", NOW,
	    &why, token, &s), -1);
	ck_assert_int_eq(why, CORE_TOO_MANY);
	ck_assert_int_eq(retry, OPERATOR_PAUSE_FIRST);
	/* The operator, elsewhere, does not. */
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	/* Each further failure doubles the pause, up to the cap. */
	ck_assert_int_eq(login_from("10.0.0.9", "anna", "guess", NOW + 1,
	    &why, token, &s), -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	ck_assert_int_eq(login_from("10.0.0.9", "anna", "guess", NOW + 1,
	    &why, token, &s), -1);
	ck_assert_int_eq(why, CORE_TOO_MANY);
	ck_assert_int_eq(retry, 2 * OPERATOR_PAUSE_FIRST);
	for (i = 0; i < 30; i++)
		login_from("10.0.0.9", "anna", "guess", NOW + 10 +
		    i * OPERATOR_PAUSE_MAX, &why, token, &s);
	login_from("10.0.0.9", "anna", "guess", NOW + 10 + 29 *
	    OPERATOR_PAUSE_MAX, &why, token, &s);
	ck_assert_int_eq(why, CORE_TOO_MANY);
	ck_assert_int_eq(retry, OPERATOR_PAUSE_MAX);
	/* A day later all is forgiven. */
	ck_assert_int_eq(login_from("10.0.0.9", "anna", "correct horse",
	    NOW + 40 * OPERATOR_PAUSE_MAX + OPERATOR_FORGET, &why, token,
	    &s), 0);
}
END_TEST

START_TEST(test_one_address_trying_names_is_paused)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX], name[32];
	enum core_err		 why;
	int			i;

	for (i = 0; i < OPERATOR_FREE_ADDRESS; i++) {
		snprintf(name, sizeof(name), "ghost%d", i);
		ck_assert_int_eq(login_from("10.0.0.7", name, "guess", NOW,
		    &why, token, &s), -1);
		ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	}
	ck_assert_int_eq(login_from("10.0.0.7", "anna", "guess", NOW, &why,
	    token, &s), -1);
	ck_assert_int_eq(why, CORE_TOO_MANY);
}
END_TEST

START_TEST(test_spread_guessing_pauses_only_the_guessers)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX], ip[32];
	enum core_err			why;
	int			i;

	for (i = 0; i <= OPERATOR_FREE_NAME; i++) {
		snprintf(ip, sizeof(ip), "10.1.0.%d", i);
		ck_assert_int_eq(login_from(ip, "anna", "guess", NOW, &why,
		    token, &s), -1);
		ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	}
	ck_assert_int_eq(login_from("10.1.0.3", "anna", "guess", NOW, &why,
	    token, &s), -1);
	ck_assert_int_eq(why, CORE_TOO_MANY);
	ck_assert_int_eq(login_from("10.2.0.1", "anna", "correct horse", NOW,
	    &why, token, &s), 0);
}
END_TEST

START_TEST(test_success_resets_the_failure_count)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX];
	enum core_err			why;
	int			i;

	for (i = 0; i < OPERATOR_FREE_PAIR - 1; i++)
		login("anna", "guess", NOW, &why, token, &s);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(login("anna", "guess", NOW, &why, token, &s), -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
}
END_TEST

START_TEST(test_sessions_end_on_logout_and_expiry)
{
	struct operator_session	s, t;
	char			token[OPERATOR_TOKEN_MAX], *err = NULL;
	enum core_err			why;

	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(operator_auth(db, token, NOW + OPERATOR_SESSION_TTL,
	    &t, &err), 0);
	ck_assert_int_eq(operator_logout(db, token, NOW, &err), 0);
	ck_assert_int_eq(operator_auth(db, token, NOW, &t, &err), 0);
}
END_TEST

START_TEST(test_every_change_of_rights_ends_the_sessions)
{
	struct operator_session	s, t;
	char			token[OPERATOR_TOKEN_MAX], *err = NULL;
	int64_t			before, after;
	enum core_err			why;

	ck_assert_int_eq(operator_revision(db, &before, &err), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_ROLE, "senior",
	    NOW, &err), 1);
	ck_assert_int_eq(operator_auth(db, token, NOW, &t, &err), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_str_eq(s.role, "senior");
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_DISABLE, NULL,
	    NOW, &err), 1);
	ck_assert_int_eq(operator_auth(db, token, NOW, &t, &err), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), -1);
	ck_assert_int_eq(why, CORE_UNAUTHORIZED);
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_ENABLE, NULL,
	    NOW, &err), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_REVOKE, NULL,
	    NOW, &err), 2);
	ck_assert_int_eq(operator_auth(db, token, NOW, &t, &err), 0);
	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_REMOVE, NULL,
	    NOW, &err), 1);
	ck_assert_int_eq(operator_auth(db, token, NOW, &t, &err), 0);
	ck_assert_int_eq(operator_count(db, &err), 0);
	ck_assert_int_eq(operator_change(db, "anna", OPERATOR_DISABLE, NULL,
	    NOW, &err), -1);
	ck_assert(strstr(err, "no account") != NULL);
	free(err);
	ck_assert_int_eq(operator_revision(db, &after, &err), 0);
	ck_assert_int_ge(after - before, 5);
}
END_TEST

START_TEST(test_csrf_token_must_match)
{
	struct operator_session	s;
	char			token[OPERATOR_TOKEN_MAX], forged[64];
	enum core_err			why;

	ck_assert_int_eq(login("anna", "correct horse", NOW, &why, token,
	    &s), 0);
	ck_assert(operator_csrf_ok(&s, s.csrf));
	ck_assert(!operator_csrf_ok(&s, NULL));
	ck_assert(!operator_csrf_ok(&s, ""));
	snprintf(forged, sizeof(forged), "%s", s.csrf);
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	ck_assert(!operator_csrf_ok(&s, forged));
	forged[strlen(forged) - 1] = '\0';
	ck_assert(!operator_csrf_ok(&s, forged));
}
END_TEST

START_TEST(test_accounts_are_checked)
{
	char	*err = NULL;

	ck_assert_int_eq(operator_add(db, "anna", "senior", "another pass",
	    NOW, &err), -1);
	ck_assert(strstr(err, "exists") != NULL);
	free(err);
	err = NULL;
	ck_assert_int_eq(operator_add(db, "Anna", "operator", "long enough",
	    NOW, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(operator_add(db, "boris", "root", "long enough",
	    NOW, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(operator_add(db, "boris", "senior", "short", NOW,
	    &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(operator_count(db, &err), 1);
}
END_TEST

START_TEST(test_roles_are_bits)
{
	ck_assert_uint_eq(operator_role_bit("operator"),
	    OPERATOR_ROLE_OPERATOR);
	ck_assert_uint_eq(operator_role_bit("senior"), OPERATOR_ROLE_SENIOR);
	ck_assert_uint_eq(operator_role_bit("admin"), OPERATOR_ROLE_ADMIN);
	ck_assert_uint_eq(operator_role_bit("guest"), 0);
	ck_assert_uint_eq(operator_role_bit(NULL), 0);
}
END_TEST

START_TEST(test_sign_ins_are_journalled)
{
	struct operator_session	s;
	struct audit_report	r;
	char			token[OPERATOR_TOKEN_MAX], *err = NULL, *what;
	enum core_err			why;

	login("anna", "guess", NOW, &why, token, &s);
	login("anna", "correct horse", NOW, &why, token, &s);
	ck_assert_int_eq(audit_verify(db, NULL, &r, &what, &err), 0);
	/* the key's own entry, operator add, failed login, login */
	ck_assert_int_eq(r.entries, 4);
}
END_TEST

Suite *
operator_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("operator");
	tc = tcase_create("accounts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_right_password_signs_in);
	tcase_add_test(tc, test_wrong_password_and_unknown_name_are_401);
	tcase_add_test(tc, test_failures_pause_the_guesser_not_the_operator);
	tcase_add_test(tc, test_one_address_trying_names_is_paused);
	tcase_add_test(tc, test_spread_guessing_pauses_only_the_guessers);
	tcase_add_test(tc, test_success_resets_the_failure_count);
	tcase_add_test(tc, test_sessions_end_on_logout_and_expiry);
	tcase_add_test(tc, test_every_change_of_rights_ends_the_sessions);
	tcase_add_test(tc, test_csrf_token_must_match);
	tcase_add_test(tc, test_accounts_are_checked);
	tcase_add_test(tc, test_roles_are_bits);
	tcase_add_test(tc, test_sign_ins_are_journalled);
	suite_add_tcase(s, tc);
	return s;
}
