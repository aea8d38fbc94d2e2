"""Build the synthetic fusion gold: articles.jsonl and gold.jsonl, from the hand-written articles below.

    python tests/data/gold/fusion/make_corpus.py

Every outlet, article and happening here is invented (see tests/data/gold/README.md, section "Fusion
gold"). Each sentence of an article carries a tag: the id of the happening it tells (H.. for the main
happenings, D.. for distractors: the same dyad, but another happening), None for a sentence that tells
none, or a dict {happening id: trigger word} for a sentence that tells two happenings.
"""

from __future__ import annotations

import json
from pathlib import Path

from corpus_source import ARTICLES, HAPPENINGS, OUTLETS

HERE = Path(__file__).resolve().parent


def build() -> tuple[list[dict], list[dict]]:
    articles: list[dict] = []
    mentions: dict[str, list[dict]] = {h: [] for h in HAPPENINGS}
    urls: set[str] = set()
    for n, (outlet, published, slug, title, paragraphs) in enumerate(ARTICLES, 1):
        name, domain = OUTLETS[outlet]
        url = f"https://{domain}/{published[:4]}/{published[5:7]}/{slug}"
        if url in urls:
            raise ValueError(f"duplicate url {url}")
        urls.add(url)
        text = "\n\n".join(" ".join(sentence for _, sentence in paragraph) for paragraph in paragraphs)
        n_sentences = sum(len(p) for p in paragraphs)
        if not 3 <= n_sentences <= 10:
            raise ValueError(f"{url}: {n_sentences} sentences (3-10 wanted)")
        for paragraph in paragraphs:
            for tag, sentence in paragraph:
                if tag is None:
                    continue
                tags = tag if isinstance(tag, dict) else {tag: None}
                for happening, trigger in tags.items():
                    if happening not in mentions:
                        raise ValueError(f"{url}: unknown happening {happening}")
                    if trigger is not None and trigger not in sentence:
                        raise ValueError(f"{url}: trigger {trigger!r} not in {sentence!r}")
                    mentions[happening].append({"article": url, "sentence": sentence, "trigger": trigger})
        articles.append({"id": f"fusion-{n:03d}", "url": url, "outlet": name, "published": published,
                         "title": title, "text": text})
    gold = []
    for hid, h in HAPPENINGS.items():
        outlets = {m["article"].split("/")[2] for m in mentions[hid]}
        if not mentions[hid]:
            raise ValueError(f"{hid} has no mention")
        if h["kind"] == "happening" and not 2 <= len(outlets) <= 5:
            raise ValueError(f"{hid} is told by {len(outlets)} outlets (2-5 wanted)")
        gold.append({"id": hid, **h, "outlets": len(outlets), "mentions": mentions[hid]})
    return articles, gold


def main() -> None:
    articles, gold = build()
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as out:
        for a in articles:
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as out:
        for g in gold:
            out.write(json.dumps(g, ensure_ascii=False) + "\n")
    main_ = sum(g["kind"] == "happening" for g in gold)
    print(f"{len(articles)} articles, {main_} happenings, {len(gold) - main_} distractors, "
          f"{sum(len(g['mentions']) for g in gold)} gold mentions")


if __name__ == "__main__":
    main()
