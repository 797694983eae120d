/*
 * Entity extraction: every shape a citizen types each entity in, the
 * look-alikes that must not be entities (wrong check digits, passports,
 * dates, sums), precedence between overlapping shapes, the messages of
 * the dev set, and hostile input: invalid UTF-8, NULs, a megabyte of
 * digits, more entities than the limit.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intents/entities.h"

Suite	*entities_suite(void);

static struct entity_list list;

/* Extracts from a C string (no NULs). */
static const struct entity_list *
extract(const char *s)
{
	entities_extract(s, strlen(s), &list);
	return &list;
}

/* The value of the only entity of type, or NULL when there is none;
 * fails when there are several. */
static const char *
only(const struct entity_list *l, enum entity_type type)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < l->count; i++) {
		if (l->items[i].type != type)
			continue;
		ck_assert_msg(v == NULL, "two %s", entity_type_name(type));
		v = l->items[i].value;
	}
	return v;
}

/* Asserts that s holds exactly one entity, of type and value. */
static void
assert_one(const char *s, enum entity_type type, const char *value)
{
	const struct entity_list	*l = extract(s);

	ck_assert_msg(l->count == 1, "%s: %zu entities", s, l->count);
	ck_assert_str_eq(entity_type_name(l->items[0].type),
	    entity_type_name(type));
	ck_assert_str_eq(l->items[0].value, value);
}

static void
assert_none(const char *s)
{
	const struct entity_list	*l = extract(s);

	ck_assert_msg(l->count == 0, "%s: found %s %s", s,
	    l->count ? entity_type_name(l->items[0].type) : "",
	    l->count ? l->items[0].value : "");
}

/* The eval types only: passport is for masking, not scored. */
static size_t
count_scored(const struct entity_list *l)
{
	size_t	i, n = 0;

	for (i = 0; i < l->count; i++)
		if (l->items[i].type != ENTITY_PASSPORT)
			n++;
	return n;
}

START_TEST(type_names_follow_the_eval_format)
{
	ck_assert_str_eq(entity_type_name(ENTITY_REQUEST_NUMBER),
	    "request_number");
	ck_assert_str_eq(entity_type_name(ENTITY_INN), "inn");
	ck_assert_str_eq(entity_type_name(ENTITY_SNILS), "snils");
	ck_assert_str_eq(entity_type_name(ENTITY_PHONE), "phone");
	ck_assert_str_eq(entity_type_name(ENTITY_EMAIL), "email");
	ck_assert_str_eq(entity_type_name(ENTITY_PASSPORT), "passport");
	ck_assert_str_eq(entity_type_name(ENTITY__COUNT), "unknown");
}
END_TEST

/* ---------------------------------------------------------- request */

START_TEST(request_number_with_hyphen_is_kept_as_typed)
{
	assert_one("заявка 2026-000123", ENTITY_REQUEST_NUMBER, "2026-000123");
	assert_one("Can you check my request 2026-000871?",
	    ENTITY_REQUEST_NUMBER, "2026-000871");
}
END_TEST

START_TEST(request_number_after_numero_sign_and_en_dash_is_normalised)
{
	assert_one("статус обращения № 2026–031415, спасибо",
	    ENTITY_REQUEST_NUMBER, "2026-031415");
	assert_one("статус заявки №2026-004512??", ENTITY_REQUEST_NUMBER,
	    "2026-004512");
	assert_one("обращение 2026 — 031415", ENTITY_REQUEST_NUMBER,
	    "2026-031415");
}
END_TEST

START_TEST(request_number_after_hash_sign_is_found)
{
	assert_one("Check the status of request #2026-120004 please",
	    ENTITY_REQUEST_NUMBER, "2026-120004");
}
END_TEST

START_TEST(request_number_with_slash_or_blank_is_normalised)
{
	assert_one("заявку 2026/014502 перенаправили", ENTITY_REQUEST_NUMBER,
	    "2026-014502");
	assert_one("на каком этапе обращение 2026 077120, подано 3 марта.",
	    ENTITY_REQUEST_NUMBER, "2026-077120");
}
END_TEST

START_TEST(request_number_without_separator_is_found)
{
	assert_one("zayavka 2026000981 kakoi status", ENTITY_REQUEST_NUMBER,
	    "2026-000981");
}
END_TEST

START_TEST(ten_digits_with_valid_inn_check_are_an_inn_not_a_request)
{
	assert_one("номер 2026000009", ENTITY_INN, "2026000009");
}
END_TEST

START_TEST(request_number_needs_six_digits_and_a_year_of_this_century)
{
	assert_none("заявка 2026-12345");
	/* Four and six digits that are no request look like a passport. */
	ck_assert_ptr_null(only(extract("заявка 1999-123456"),
	    ENTITY_REQUEST_NUMBER));
	ck_assert_ptr_null(only(extract("заявка 2126-123456"),
	    ENTITY_REQUEST_NUMBER));
	/* Longer sequence numbers are not zero-padded by the agent. */
	assert_none("заявка 2026-0001234");
	assert_one("заявка 2026-1234567", ENTITY_REQUEST_NUMBER,
	    "2026-1234567");
}
END_TEST

START_TEST(request_number_span_covers_its_digits)
{
	const char			*s = "№ 2026–031415.";
	const struct entity_list	*l = extract(s);

	ck_assert_uint_eq(l->count, 1);
	ck_assert_uint_eq(l->items[0].start, strlen("№ "));
	ck_assert_uint_eq(l->items[0].len, strlen("2026–031415"));
}
END_TEST

/* -------------------------------------------------------------- inn */

START_TEST(inn_check_digits_are_verified)
{
	ck_assert_int_eq(entities_inn_valid("7725012341", 10), 1);
	ck_assert_int_eq(entities_inn_valid("7725012342", 10), 0);
	ck_assert_int_eq(entities_inn_valid("771345678963", 12), 1);
	ck_assert_int_eq(entities_inn_valid("771345678964", 12), 0);
	ck_assert_int_eq(entities_inn_valid("771345678973", 12), 0);
	ck_assert_int_eq(entities_inn_valid("77250123", 8), 0);
	ck_assert_int_eq(entities_inn_valid("772501234a", 10), 0);
	ck_assert_int_eq(entities_inn_valid(NULL, 10), 0);
}
END_TEST

START_TEST(inn_of_ten_and_twelve_digits_is_found)
{
	assert_one("ИНН организации 7725012341", ENTITY_INN, "7725012341");
	assert_one("а я ввожу 771345678963, проверил", ENTITY_INN,
	    "771345678963");
	assert_one("ИНН у меня 780233445500", ENTITY_INN, "780233445500");
	assert_one("ИНН7725012341", ENTITY_INN, "7725012341");
}
END_TEST

START_TEST(inn_with_wrong_check_digit_is_not_an_entity)
{
	assert_none("в профиле неправильно указан ИНН 665812345091");
	assert_none("нужно ли прикладывать ИНН? номер 7736520081 если что");
}
END_TEST

START_TEST(inn_inside_a_longer_number_or_word_is_not_found)
{
	assert_none("код 7725012341000");
	assert_none("id abc7725012341");
	assert_none("ref 7725012341xyz");
	assert_none("123-7725012341-456");
}
END_TEST

/* ------------------------------------------------------------ snils */

START_TEST(snils_check_number_follows_the_pfr_rule)
{
	/* Sums below 100, exactly 100 and 101, above 101, and one whose
	 * remainder is 100. */
	ck_assert_int_eq(entities_snils_valid("10058205299", 11), 1);
	ck_assert_int_eq(entities_snils_valid("05023431600", 11), 1);
	ck_assert_int_eq(entities_snils_valid("01610339600", 11), 1);
	ck_assert_int_eq(entities_snils_valid("13657120049", 11), 1);
	ck_assert_int_eq(entities_snils_valid("82098123300", 11), 1);
	ck_assert_int_eq(entities_snils_valid("05023431601", 11), 0);
	ck_assert_int_eq(entities_snils_valid("15678932121", 11), 1);
	ck_assert_int_eq(entities_snils_valid("31800764247", 11), 0);
	ck_assert_int_eq(entities_snils_valid("1567893212", 10), 0);
	ck_assert_int_eq(entities_snils_valid("1567893212x", 11), 0);
}
END_TEST

START_TEST(snils_in_its_usual_shapes_is_normalised)
{
	assert_one("мой СНИЛС 156-789-321 21", ENTITY_SNILS, "156-789-321 21");
	assert_one("снилс 156 789 321 21", ENTITY_SNILS, "156-789-321 21");
	assert_one("снилс 156-789-321-21", ENTITY_SNILS, "156-789-321 21");
	assert_one("снилс 112-233-445 95", ENTITY_SNILS, "112-233-445 95");
}
END_TEST

START_TEST(snils_as_eleven_bare_digits_is_found)
{
	assert_one("разблокируйте пожалуйста, СНИЛС 14712025829",
	    ENTITY_SNILS, "147-120-258 29");
	assert_one("выписку из лицевого счёта СФР? СНИЛС 09876543238",
	    ENTITY_SNILS, "098-765-432 38");
}
END_TEST

START_TEST(snils_with_wrong_check_digit_is_not_an_entity)
{
	assert_none("в поле СНИЛС ввожу 318-007-642 47, пишет неверный");
	assert_none("СНИЛС 14712025828");
}
END_TEST

START_TEST(phone_shaped_snils_is_a_snils_only_when_snils_is_named)
{
	/* 89161234520 passes the СНИЛС check and is shaped like a phone. */
	assert_one("мой снилс 89161234520", ENTITY_SNILS, "891-612-345 20");
	assert_one("89161234520 это СНИЛС", ENTITY_SNILS, "891-612-345 20");
	assert_one("перезвоните на 89161234520", ENTITY_PHONE,
	    "+79161234520");
	assert_one("СНИЛС не помню, звоните +79161234520", ENTITY_PHONE,
	    "+79161234520");
}
END_TEST

/* ------------------------------------------------------------ phone */

/* An entity found elsewhere (a letter's subject or signature) joins the
 * list once, and never past its limit. */
START_TEST(entity_added_from_elsewhere_joins_once)
{
	struct entity_list	l;
	char			v[32];
	int			i;
	const char		*t = "мой телефон +7 916 204-55-17";

	entities_extract(t, strlen(t), &l);
	ck_assert_uint_eq(l.count, 1);
	entities_add(&l, ENTITY_PHONE, "+79162045517");
	ck_assert_uint_eq(l.count, 1);
	entities_add(&l, ENTITY_REQUEST_NUMBER, "2026-003871");
	ck_assert_uint_eq(l.count, 2);
	ck_assert_str_eq(l.items[1].value, "2026-003871");
	for (i = 0; i < LIMIT_ENTITIES + 4; i++) {
		snprintf(v, sizeof(v), "a%d@example.org", i);
		entities_add(&l, ENTITY_EMAIL, v);
	}
	ck_assert_uint_eq(l.count, LIMIT_ENTITIES);
}
END_TEST

START_TEST(phone_in_its_usual_shapes_is_normalised)
{
	assert_one("код не приходит на номер +7 916 204-55-17, что делать",
	    ENTITY_PHONE, "+79162045517");
	assert_one("перезвоните мне пожалуйста на 89053412218",
	    ENTITY_PHONE, "+79053412218");
	assert_one("номер телефона 8 (903) 117-20-48, но", ENTITY_PHONE,
	    "+79031172048");
	assert_one("телефон для связи +7(999)123-45-67", ENTITY_PHONE,
	    "+79991234567");
	assert_one("на +7 926 318-44-02, старый", ENTITY_PHONE,
	    "+79263184402");
	assert_one("мой 79161234567", ENTITY_PHONE, "+79161234567");
	assert_one("звоните 8-916-123-45-67", ENTITY_PHONE, "+79161234567");
	assert_one("звоните 8 916 1234567", ENTITY_PHONE, "+79161234567");
	assert_one("звоните +7 (4852) 12-34-56", ENTITY_PHONE,
	    "+74852123456");
	assert_one("звоните +79161234567", ENTITY_PHONE, "+79161234567");
	/* a town's five-digit code, the local number from a lone digit */
	assert_one("тел. +7 (34377) 7-12-34", ENTITY_PHONE, "+73437771234");
}
END_TEST

START_TEST(mobile_phone_without_prefix_is_found)
{
	assert_one("мой номер 916 123 45 67", ENTITY_PHONE, "+79161234567");
	assert_one("мой номер (916) 123-45-67", ENTITY_PHONE, "+79161234567");
	assert_one("мой номер 9261234567", ENTITY_PHONE, "+79261234567");
	/* 9161234567 passes the ИНН check: an ИНН it is. */
	assert_one("мой номер 9161234567", ENTITY_INN, "9161234567");
}
END_TEST

START_TEST(hotline_number_is_a_phone)
{
	assert_one("звонил на 8 800 100-70-10", ENTITY_PHONE, "+78001007010");
}
END_TEST

START_TEST(phone_span_starts_at_the_plus)
{
	const struct entity_list	*l = extract("тел +7 916 204-55-17");

	ck_assert_uint_eq(l->count, 1);
	ck_assert_uint_eq(l->items[0].start, strlen("тел "));
	ck_assert_uint_eq(l->items[0].len, strlen("+7 916 204-55-17"));
}
END_TEST

START_TEST(dates_times_sums_and_codes_are_not_phones)
{
	assert_none("если позвоню в воскресенье в 23:00 кто-нибудь ответит?");
	assert_none("подано 12.03.2026 в 10:15");
	assert_none("списали 1 500 000 руб");
	assert_none("ошибка 500 при оплате, ошибка 503");
	assert_none("с 8 до 20, 7 дней в неделю");
	assert_none("номер 7736520081");
	assert_none("номер 8 123 456 78 90");
}
END_TEST

/* --------------------------------------------------------- passport */

START_TEST(passport_number_is_not_an_inn_or_a_phone)
{
	const struct entity_list	*l;

	l = extract("серия и номер старого паспорта 4509 123456, он "
	    "просрочен");
	ck_assert_uint_eq(count_scored(l), 0);
	ck_assert_str_eq(only(l, ENTITY_PASSPORT), "4509123456");
	l = extract("паспорт 45 09 123456");
	ck_assert_uint_eq(count_scored(l), 0);
	ck_assert_str_eq(only(l, ENTITY_PASSPORT), "4509123456");
}
END_TEST

START_TEST(passport_named_near_a_year_like_series_is_a_passport)
{
	const struct entity_list	*l;

	l = extract("паспорт 2021 123456 выдан давно");
	ck_assert_uint_eq(count_scored(l), 0);
	ck_assert_str_eq(only(l, ENTITY_PASSPORT), "2021123456");
	assert_one("обращение 2021 123456", ENTITY_REQUEST_NUMBER,
	    "2021-123456");
}
END_TEST

/* ------------------------------------------------------------ email */

START_TEST(email_is_lower_cased)
{
	assert_one("ответ можно на IVANOV.Petr@Example.net", ENTITY_EMAIL,
	    "ivanov.petr@example.net");
	assert_one("письмо на Kot_Vasya@Post.test так и не пришло",
	    ENTITY_EMAIL, "kot_vasya@post.test");
	assert_one("a+b%c-d@mail-1.example.ru", ENTITY_EMAIL,
	    "a+b%c-d@mail-1.example.ru");
}
END_TEST

START_TEST(email_at_the_end_of_a_sentence_leaves_the_dot)
{
	const struct entity_list	*l;

	l = extract("пишите на Petrov.S@Example.org.");
	ck_assert_uint_eq(l->count, 1);
	ck_assert_str_eq(l->items[0].value, "petrov.s@example.org");
	ck_assert_uint_eq(l->items[0].len, strlen("Petrov.S@Example.org"));
}
END_TEST

START_TEST(address_without_a_letter_tld_is_not_an_email)
{
	assert_none("user@localhost");
	assert_none("a@b.c");
	assert_none("a@b..ru");
	assert_none("@example.net");
	assert_none("a@.ru");
	assert_none("me@host.r2");
}
END_TEST

START_TEST(digits_inside_an_email_are_not_a_phone)
{
	assert_one("почта 89161234567@mail.ru", ENTITY_EMAIL,
	    "89161234567@mail.ru");
	assert_one("почта ivan@7725012341.ru", ENTITY_EMAIL,
	    "ivan@7725012341.ru");
}
END_TEST

START_TEST(email_too_long_to_keep_is_dropped_and_hides_its_digits)
{
	char	buf[256];

	memset(buf, 'a', 120);
	memcpy(buf + 120, "89161234567@mail.ru", 20);
	assert_none(buf);
}
END_TEST

/* ------------------------------------------------------------- list */

START_TEST(several_entities_come_in_text_order)
{
	const struct entity_list	*l;

	l = extract("ivan@mail.ru, заявка 2026-550021, снилс 112-233-445 95,"
	    " тел 89053412218, ИНН 7725012341, петр@x.ru, b@c.org");
	ck_assert_uint_eq(l->count, 6);
	ck_assert_int_eq(l->items[0].type, ENTITY_EMAIL);
	ck_assert_int_eq(l->items[1].type, ENTITY_REQUEST_NUMBER);
	ck_assert_int_eq(l->items[2].type, ENTITY_SNILS);
	ck_assert_int_eq(l->items[3].type, ENTITY_PHONE);
	ck_assert_int_eq(l->items[4].type, ENTITY_INN);
	ck_assert_int_eq(l->items[5].type, ENTITY_EMAIL);
	ck_assert_str_eq(l->items[5].value, "b@c.org");
}
END_TEST

START_TEST(same_entity_twice_is_kept_once)
{
	const struct entity_list	*l;

	l = extract("89161234567 или +7 916 123-45-67, заявка 2026-000123 "
	    "(2026/000123)");
	ck_assert_uint_eq(l->count, 2);
	ck_assert_str_eq(only(l, ENTITY_PHONE), "+79161234567");
	ck_assert_str_eq(only(l, ENTITY_REQUEST_NUMBER), "2026-000123");
}
END_TEST

START_TEST(two_numbers_side_by_side_are_both_found)
{
	const struct entity_list	*l;

	l = extract("ИНН 7725012341 771345678963");
	ck_assert_uint_eq(l->count, 2);
	ck_assert_str_eq(l->items[0].value, "7725012341");
	ck_assert_str_eq(l->items[1].value, "771345678963");
}
END_TEST

START_TEST(more_than_the_limit_of_entities_are_cut_in_text_order)
{
	char				 buf[LIMIT_ENTITIES * 2 * 16];
	const struct entity_list	*l;
	size_t				 i, n = 0;
	int				 w;

	for (i = 0; i < LIMIT_ENTITIES * 2; i++) {
		w = snprintf(buf + n, sizeof buf - n, "2026-%06zu ", i + 1);
		ck_assert(w > 0 && (size_t)w < sizeof buf - n);
		n += (size_t)w;
	}
	l = extract(buf);
	ck_assert_uint_eq(l->count, LIMIT_ENTITIES);
	ck_assert_str_eq(l->items[0].value, "2026-000001");
	ck_assert_str_eq(l->items[LIMIT_ENTITIES - 1].value, "2026-000016");
}
END_TEST

START_TEST(empty_text_has_no_entities)
{
	list.count = 99;
	entities_extract("", 0, &list);
	ck_assert_uint_eq(list.count, 0);
	list.count = 99;
	entities_extract(NULL, 0, &list);
	ck_assert_uint_eq(list.count, 0);
}
END_TEST

/* ---------------------------------------------------------- dev set */

static const struct {
	const char	*text;
	const char	*want;	/* "type=value;..." scored types only */
} dev[] = {
	{ "Проверьте, пожалуйста, статус обращения № 2026–031415, ИНН "
	  "организации 7725012341",
	  "request_number=2026-031415;inn=7725012341;" },
	{ "серия и номер старого паспорта 4509 123456, он просрочен, как "
	  "оформить новый?", "" },
	{ "как оформить единое пособие, ребенку 2 месяца, мой СНИЛС "
	  "156-789-321 21", "snils=156-789-321 21;" },
	{ "в поле СНИЛС ввожу 318-007-642 47, пишет неверный контрольный "
	  "номер. почему?", "" },
	{ "хочу отправить скан в поддержку по e-mail. на какой адрес и что "
	  "писать в теме? ответ можно на IVANOV.Petr@Example.net",
	  "email=ivanov.petr@example.net;" },
	{ "номер обращения 2026-550021 статус какой? снилс 112-233-445 95",
	  "request_number=2026-550021;snils=112-233-445 95;" },
	{ "на вайлдберриз ошибка 500 при оплате, деньги списали", "" },
	{ "zayavka 2026000981 kakoi status", "request_number=2026-000981;" },
	{ "ПОРТАЛ НЕ РАБОТАЕТ ВООБЩЕ ошибка 503 на всех страницах, телефон "
	  "для связи +7(999)123-45-67", "phone=+79991234567;" },
	{ "в профиле неправильно указан ИНН 665812345091, как исправить?",
	  "" },
	{ "я ИП, нужна лицензия на розничную продажу алкоголя, ИНН "
	  "665812345098, с чего начать", "inn=665812345098;" },
	{ "Здравствуйте, при входе система просит подтвердить номер "
	  "телефона 8 (903) 117-20-48, но подтверждение не проходит",
	  "phone=+79031172048;" },
	{ "Can we continue in English? I don't understand the Russian "
	  "answers. My email is John.Smith@Example.com",
	  "email=john.smith@example.com;" },
	{ "если позвоню в воскресенье в 23:00 кто-нибудь ответит?", "" },
};

START_TEST(dev_set_messages_give_the_labelled_entities)
{
	const struct entity_list	*l;
	char				 got[512];
	size_t				 i, n;
	int				 w;

	for (i = 0; i < sizeof dev / sizeof dev[0]; i++) {
		l = extract(dev[i].text);
		got[0] = '\0';
		for (n = 0; n < l->count; n++) {
			if (l->items[n].type == ENTITY_PASSPORT)
				continue;
			w = snprintf(got + strlen(got),
			    sizeof got - strlen(got), "%s=%s;",
			    entity_type_name(l->items[n].type),
			    l->items[n].value);
			ck_assert(w > 0);
		}
		ck_assert_msg(strcmp(got, dev[i].want) == 0, "%s: got %s",
		    dev[i].text, got);
	}
}
END_TEST

/* ---------------------------------------------------- hostile input */

START_TEST(invalid_utf8_around_entities_is_survived)
{
	const char	s[] = "\xff\xfe\xc0 2026-000123 \xe2\x80 \xf4\x90\x80"
	    " 89161234567\xc3";
	const struct entity_list	*l;

	entities_extract(s, sizeof s - 1, &list);
	l = &list;
	ck_assert_uint_eq(l->count, 2);
	ck_assert_str_eq(l->items[0].value, "2026-000123");
	ck_assert_str_eq(l->items[1].value, "+79161234567");
}
END_TEST

START_TEST(embedded_nul_does_not_end_the_text)
{
	const char	s[] = "начало\0 заявка 2026-000123\0ИНН 7725012341";

	entities_extract(s, sizeof s - 1, &list);
	ck_assert_uint_eq(list.count, 2);
	ck_assert_str_eq(list.items[0].value, "2026-000123");
	ck_assert_str_eq(list.items[1].value, "7725012341");
	/* A NUL is not a separator inside a number. */
	entities_extract("8916\0001234567", 12, &list);
	ck_assert_uint_eq(list.count, 0);
}
END_TEST

START_TEST(spans_lie_inside_the_text_and_values_are_terminated)
{
	const struct entity_list	*l;
	size_t				 i, j, len;

	for (i = 0; i < sizeof dev / sizeof dev[0]; i++) {
		l = extract(dev[i].text);
		len = strlen(dev[i].text);
		for (j = 0; j < l->count; j++) {
			ck_assert(l->items[j].start + l->items[j].len <= len);
			ck_assert(l->items[j].len > 0);
			ck_assert(memchr(l->items[j].value, '\0',
			    ENTITY_VALUE_MAX) != NULL);
		}
	}
}
END_TEST

#define BIG	(1024 * 1024)

/* Fills a megabyte with a repeated pattern and extracts from it. */
static void
extract_repeated(const char *pattern)
{
	char	*buf;
	size_t	 i, n = strlen(pattern);

	buf = malloc(BIG);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < BIG; i++)
		buf[i] = pattern[i % n];
	entities_extract(buf, BIG, &list);
	free(buf);
}

START_TEST(megabyte_of_digits_is_scanned_in_linear_time)
{
	extract_repeated("7");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("1 ");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("12-");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("1.");
	ck_assert_uint_eq(list.count, 0);
}
END_TEST

START_TEST(megabyte_of_address_fragments_is_scanned_in_linear_time)
{
	extract_repeated("a");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("a@");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("a.");
	ck_assert_uint_eq(list.count, 0);
	extract_repeated("1@1.");
	ck_assert_uint_eq(list.count, 0);
}
END_TEST

START_TEST(megabyte_of_one_entity_gives_it_once)
{
	extract_repeated("заявка 2026-000123 ");
	ck_assert_uint_eq(list.count, 1);
	ck_assert_str_eq(list.items[0].value, "2026-000123");
	extract_repeated("a@b.ru ");
	ck_assert_uint_eq(list.count, 1);
	ck_assert_str_eq(list.items[0].value, "a@b.ru");
}
END_TEST

Suite *
entities_suite(void)
{
	Suite	*s = suite_create("entities");
	TCase	*tc;

	tc = tcase_create("request_number");
	tcase_add_test(tc, type_names_follow_the_eval_format);
	tcase_add_test(tc, request_number_with_hyphen_is_kept_as_typed);
	tcase_add_test(tc,
	    request_number_after_numero_sign_and_en_dash_is_normalised);
	tcase_add_test(tc, request_number_after_hash_sign_is_found);
	tcase_add_test(tc, request_number_with_slash_or_blank_is_normalised);
	tcase_add_test(tc, request_number_without_separator_is_found);
	tcase_add_test(tc,
	    ten_digits_with_valid_inn_check_are_an_inn_not_a_request);
	tcase_add_test(tc,
	    request_number_needs_six_digits_and_a_year_of_this_century);
	tcase_add_test(tc, request_number_span_covers_its_digits);
	suite_add_tcase(s, tc);

	tc = tcase_create("inn_snils");
	tcase_add_test(tc, inn_check_digits_are_verified);
	tcase_add_test(tc, inn_of_ten_and_twelve_digits_is_found);
	tcase_add_test(tc, inn_with_wrong_check_digit_is_not_an_entity);
	tcase_add_test(tc, inn_inside_a_longer_number_or_word_is_not_found);
	tcase_add_test(tc, snils_check_number_follows_the_pfr_rule);
	tcase_add_test(tc, snils_in_its_usual_shapes_is_normalised);
	tcase_add_test(tc, snils_as_eleven_bare_digits_is_found);
	tcase_add_test(tc, snils_with_wrong_check_digit_is_not_an_entity);
	tcase_add_test(tc,
	    phone_shaped_snils_is_a_snils_only_when_snils_is_named);
	suite_add_tcase(s, tc);

	tc = tcase_create("phone_passport_email");
	tcase_add_test(tc, phone_in_its_usual_shapes_is_normalised);
	tcase_add_test(tc, mobile_phone_without_prefix_is_found);
	tcase_add_test(tc, hotline_number_is_a_phone);
	tcase_add_test(tc, phone_span_starts_at_the_plus);
	tcase_add_test(tc, dates_times_sums_and_codes_are_not_phones);
	tcase_add_test(tc, passport_number_is_not_an_inn_or_a_phone);
	tcase_add_test(tc,
	    passport_named_near_a_year_like_series_is_a_passport);
	tcase_add_test(tc, email_is_lower_cased);
	tcase_add_test(tc, email_at_the_end_of_a_sentence_leaves_the_dot);
	tcase_add_test(tc, address_without_a_letter_tld_is_not_an_email);
	tcase_add_test(tc, digits_inside_an_email_are_not_a_phone);
	tcase_add_test(tc,
	    email_too_long_to_keep_is_dropped_and_hides_its_digits);
	suite_add_tcase(s, tc);

	tc = tcase_create("list");
	tcase_add_test(tc, several_entities_come_in_text_order);
	tcase_add_test(tc, same_entity_twice_is_kept_once);
	tcase_add_test(tc, two_numbers_side_by_side_are_both_found);
	tcase_add_test(tc,
	    more_than_the_limit_of_entities_are_cut_in_text_order);
	tcase_add_test(tc, empty_text_has_no_entities);
	tcase_add_test(tc, dev_set_messages_give_the_labelled_entities);
	suite_add_tcase(s, tc);

	/* A quadratic scan of a megabyte would take hours: the timeout is
	 * the linear-time check, generous enough for sanitizers. */
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, invalid_utf8_around_entities_is_survived);
	tcase_add_test(tc, embedded_nul_does_not_end_the_text);
	tcase_add_test(tc, spans_lie_inside_the_text_and_values_are_terminated);
	tcase_add_test(tc, megabyte_of_digits_is_scanned_in_linear_time);
	tcase_add_test(tc,
	    megabyte_of_address_fragments_is_scanned_in_linear_time);
	tcase_add_test(tc, megabyte_of_one_entity_gives_it_once);
	tcase_add_test(tc, entity_added_from_elsewhere_joins_once);
	suite_add_tcase(s, tc);
	return s;
}
