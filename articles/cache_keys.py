"""The dependency keys of an article page: exactly the rows it shows.

Kept apart from articles/views.py so the page's queries can change without this
list moving; see franchise/cache.py for what the keys do.
"""

from articles import embeds, inline_images


def source_keys(source):
    keys = [f"source:{source.pk}"]
    if source.speaker_id:
        keys.append(f"person:{source.speaker_id}")
    return keys


def claim_keys(claim):
    """A claim shown with its sources (and their speakers)."""
    keys = [f"claim:{claim.pk}"]
    for source in claim.sources.all():
        keys += source_keys(source)
    return keys


def card_keys(article):
    """What an article card shows: the article, its section, lead image, authors."""
    keys = [f"article:{article.pk}", f"section:{article.section_id}"]
    if article.lead_image_id:
        keys.append(f"image:{article.lead_image_id}")
    keys += [f"author:{byline.author_id}" for byline in article.bylines.all()]
    return keys


def article_page_keys(context):
    """Keys of the article, its image, bylines, tags, films, sources, claims."""
    article = context["article"]
    keys = card_keys(article)
    # Pictures, galleries and embeds' thumbnails in the body.
    keys += [f"image:{pk}" for pk in inline_images.image_ids(article.body)]
    keys += [f"image:{pk}" for pk in embeds.thumbnail_ids(article.body)]
    keys += [f"tag:{tag.pk}" for tag in article.tags.all()]
    # The Sources list: cited, quoted and claims' sources, with their speakers.
    for entry in context.get("sources") or ():
        keys += source_keys(entry["source"])
    if article.rated_claim_id:
        keys += claim_keys(article.rated_claim)
    # Asserted claims, their subjects, and the claims they compete with.
    for claim in context.get("claims") or ():
        keys += claim_keys(claim)
        keys.append(claim.subject_key)
        for other in getattr(claim, "disputes", ()):
            keys += claim_keys(other)
    keys += [f"article:{item.pk}" for item in context.get("related") or ()]
    # A live blog's updates move article:<pk> themselves; their pictures (the
    # attached one and those in the body) and author profiles have keys of their own.
    for update in context.get("live_updates") or ():
        if update.image_id:
            keys.append(f"image:{update.image_id}")
        keys += [f"image:{pk}" for pk in inline_images.image_ids(update.body)]
        keys += [f"image:{pk}" for pk in embeds.thumbnail_ids(update.body)]
        profile = (
            getattr(update.author, "author_profile", None) if update.author else None
        )
        if profile is not None:
            keys.append(f"author:{profile.pk}")
    return list(dict.fromkeys(keys))
