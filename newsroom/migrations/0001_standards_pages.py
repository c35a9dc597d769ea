from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

PAGES = {
    "/about/corrections-policy/": (
        "Corrections policy",
        """<p>We correct errors of fact promptly and in the open. When we get something
wrong, we fix the article and add a note at its foot that says what was wrong, what is
right and when we changed it. We never quietly rewrite a published fact.</p>
<h2>Kinds of notes</h2>
<ul>
<li><strong>Correction</strong>: we stated something that was not true.</li>
<li><strong>Clarification</strong>: what we wrote was true but could mislead.</li>
<li><strong>Update</strong>: the story moved on after we published.</li>
</ul>
<p>Every note is listed on our <a href="/corrections/">corrections page</a>, which has
its own feed. If we cannot stand behind a story at all, we retract it: its address
stays, with a notice explaining why, instead of the story.</p>
<p>To report an error, write to the editors; say which article and what is wrong.</p>""",
    ),
    "/about/verification/": (
        "Verification and fact-checking standards",
        """<p>Every fact we print about a film, a person or a song is recorded as a
<strong>claim</strong> with the source it came from and a status:</p>
<ul>
<li><strong>Rumoured</strong>: circulating, not stood up by a source we can name.</li>
<li><strong>Reported</strong>: stated by a named source or a publication.</li>
<li><strong>Confirmed</strong>: confirmed by the people or company responsible.</li>
<li><strong>Denied</strong> and <strong>retracted</strong>: no longer standing.</li>
</ul>
<p>When sources disagree, we say so: our fact boxes show every competing value with
where it came from, marked <em>disputed</em>, until the disagreement is settled. An
article that repeats rumours or disputed facts carries an <em>Unconfirmed</em> label.
Every article lists its sources and says how each was obtained — interview, email,
phone call, social post, another outlet's report — and whether it was on the
record.</p>""",
    ),
    "/about/unnamed-sources/": (
        "Unnamed sources policy",
        """<p>We prefer sources on the record. We grant anonymity only when the
information is important, cannot be had on the record, and the source risks harm by
being named. At least one editor knows every unnamed source's identity. We tell
readers why the source was not named and how they know what they say. We do not let
unnamed sources attack people's character.</p>""",
    ),
    "/about/ethics/": (
        "Ethics policy",
        """<p>We are independent of the studios, labels and platforms we cover. We do
not accept payment for coverage. Press trips and review copies are disclosed in the
articles they lead to. Staff declare conflicts of interest to the editors and do not
cover people they have a personal or financial relationship with. Opinion and
analysis are labelled as such, apart from news.</p>""",
    ),
    "/about/masthead/": (
        "Masthead",
        """<p>The newsroom is led by its editors, who approve every story before it is
published and answer for corrections. Writers draft and report; editors review,
check the sourcing and publish. Contact the editors through the address on this
page.</p>""",
    ),
}


def create_pages(apps, schema_editor):
    FlatPage = apps.get_model("flatpages", "FlatPage")
    Site = apps.get_model("sites", "Site")
    # The sites framework makes its default row after migrations; make it now so
    # the pages can be attached to it on a fresh install.
    host = urlsplit(settings.SITE_URL).netloc or "localhost"
    site, _ = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": host, "name": settings.SITE_NAME}
    )
    for url, (title, content) in PAGES.items():
        page, _ = FlatPage.objects.get_or_create(
            url=url, defaults={"title": title, "content": content}
        )
        page.sites.add(site)


def remove_pages(apps, schema_editor):
    apps.get_model("flatpages", "FlatPage").objects.filter(url__in=PAGES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
