/*
 * Every ceiling that input can push against, in one place, each with the
 * reason for its value.  Code refers to these names, never to bare numbers.
 */
#ifndef LIB_LIMITS_H
#define LIB_LIMITS_H

/* A chat message: longer than any real question; a 1 MB paste is cut here. */
#define LIMIT_MESSAGE_BYTES		(16 * 1024)
/* Bytes of a message the classifier looks at: questions are short, and the
 * rules' cost grows with length. */
#define LIMIT_CLASSIFY_BYTES		(4 * 1024)
/* Tokens of a message used as FTS evidence. */
#define LIMIT_QUERY_TERMS		64
/* Bytes of one token; longer runs are not words. */
#define LIMIT_TOKEN_BYTES		64
/* Misspelt words remembered per thread with their correction (a power of
 * two): a day's new typos; a flood of made-up words empties it. */
#define LIMIT_SPELL_CACHE		1024
/* Words remembered with their stem per stemmer, two to a set (sets: a
 * power of two): the few thousand words of a day's messages, 270 kB. */
#define LIMIT_STEM_CACHE_SETS		2048
/* Bytes of a word, and of its stem, that the stem cache keeps: 16
 * Cyrillic letters; longer words are stemmed every time. */
#define LIMIT_STEM_CACHE_BYTES		32
/* hunspell's dictionary and affix files (ru_RU.dic is 3.4 MB): read whole
 * to keep the roots the speller can use; a larger file is not hunspell-ru. */
#define LIMIT_DICT_FILE_BYTES		(64 * 1024 * 1024)
/* A line of them (the longest of hunspell-ru: 60 bytes). */
#define LIMIT_DICT_LINE_BYTES		1024
/* Entities found in one message; more is noise or an attack. */
#define LIMIT_ENTITIES			16
/* PCRE2 match limit (backtracking steps) per rule and message. */
#define LIMIT_PCRE2_MATCH		100000
/* PCRE2 depth limit (nested backtracking frames) per rule and message. */
#define LIMIT_PCRE2_DEPTH		1000
/* A category or article file from an editor. */
#define LIMIT_EDITOR_FILE_BYTES		(256 * 1024)
/* Line of an editor's file. */
#define LIMIT_EDITOR_LINE_BYTES		4096
/* A pattern or list continued over lines (a line ending with a comma). */
#define LIMIT_EDITOR_VALUE_BYTES	(16 * 1024)
/* Word lists in all category files together. */
#define LIMIT_LISTS			1024
/* Nesting of brackets and lists in one editor pattern: deep enough for
 * any sane rule, shallow enough for the recursive compiler's stack. */
#define LIMIT_EDITOR_NESTING		32
/* PCRE2 text made from one editor pattern (PCRE2's own compiled size
 * limit is near 64 KiB as well). */
#define LIMIT_EDITOR_REGEX_BYTES	(64 * 1024)
/* Categories, rules per category, examples per category. */
#define LIMIT_INTENTS			256
#define LIMIT_RULES_PER_INTENT		256
#define LIMIT_EXAMPLES_PER_INTENT	2000
/* Files in intents/defs or kb/articles. */
#define LIMIT_EDITOR_FILES		2000
/* One JSON Lines input line (classify, eval). */
#define LIMIT_JSONL_LINE_BYTES		(1024 * 1024 + 4096)
/* Versions kept per article; older ones are pruned on import. */
#define LIMIT_ARTICLE_VERSIONS		100
/* Entries of trusted_proxies: a few proxies or networks, not a routing
 * table. */
#define LIMIT_TRUSTED_PROXIES		32
/* Hops of X-Forwarded-For or Forwarded looked at, from the right: more
 * proxies than this in front of one server is a header someone wrote. */
#define LIMIT_FORWARDED_HOPS		16

#endif
