#!/usr/bin/env python3
"""Makes a misspelt copy of an evaluation set, to measure spelling
correction (intents/spell.c): in each message 1-2 Russian words of five
letters or more lose a letter or have two neighbouring letters swapped,
as citizens type ("заявлние", "паспртом"); with -k also a neighbouring
key hit instead of a letter, or a letter typed twice.  The first letter is kept (people
rarely miss it).  A fixed seed makes the copy the same on every run, so
figures can be compared; the copy is written to stdout and never committed.

usage: bench/typos.py [-s SEED] [-k KINDS] FILE.jsonl > FILE-typos.jsonl
"""
import argparse
import json
import random
import re
import sys

WORD = re.compile(r"[А-Яа-яЁё]{5,}")


ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def neighbour(ch, rng):
    """A key beside ch on the ЙЦУКЕН keyboard (same row or the next)."""
    low = ch.lower()
    for r, row in enumerate(ROWS):
        if low in row:
            i = row.index(low)
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for r2 in (r - 1, r + 1):
                if 0 <= r2 < len(ROWS):
                    # each row sits half a key right of the one above
                    j0 = i if r2 > r else i + 1
                    near += [ROWS[r2][j] for j in (j0 - 1, j0)
                             if 0 <= j < len(ROWS[r2])]
            return rng.choice(near)
    return ch


def misspell(word, rng, kinds):
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(kinds)
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "key":                   # a neighbouring key hit instead
        return word[:i] + neighbour(word[i], rng) + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # "double": a letter typed twice


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-s", "--seed", type=int, default=8)
    ap.add_argument("-k", "--kinds", default="drop,swap",
                    help="typos to make, of drop,swap,key,double "
                    "(default drop,swap)")
    ap.add_argument("file")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    kinds = args.kinds.split(",")
    with open(args.file, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            item = json.loads(line)
            text = item["text"]
            spans = [m.span() for m in WORD.finditer(text)]
            k = min(len(spans), rng.choice((1, 2)))
            for a, b in sorted(rng.sample(spans, k), reverse=True):
                w = text[a:b]
                bad = misspell(w, rng, kinds)
                if bad == w:
                    continue
                text = text[:a] + bad + text[b:]
            item["text"] = text
            print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
