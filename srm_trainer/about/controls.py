"""The app's own controls, laid out on the Shared Responsibility Model.

SRM Trainer stands where AWS stands for its own code ("security of the app"); whoever deploys it
stands where the customer stands ("security in the deployment": the host, the network, the
secrets, the data's backups). Kept as data so the page is a plain template and a test can read
the rows. Written to match what the code does; change a row when the code changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import get_script_prefix

APP = "app"
YOU = "you"
SHARED = "shared"

OWNER_LABELS = {
    APP: "SRM Trainer",
    YOU: "You, deploying it",
    SHARED: "Shared",
}
# The explorer's colours: the app is in AWS's position, the deployer in the customer's.
OWNER_CLASSES = {APP: "owner-aws", YOU: "owner-customer", SHARED: "owner-shared"}


@dataclass(frozen=True)
class Control:
    layer: str
    owner: str
    app: str  # what the app does
    you: str  # what the person deploying it does
    lesson: str = ""  # a lesson that teaches the same idea in AWS, as /learn/<module>/<lesson>/

    @property
    def lesson_url(self) -> str:
        """The lesson's link, inside a site served under a script prefix too (`/srm/learn/…/`):
        `lesson` is the path inside the site."""
        return get_script_prefix() + self.lesson.removeprefix("/") if self.lesson else ""

    @property
    def owner_label(self) -> str:
        return OWNER_LABELS[self.owner]

    @property
    def owner_class(self) -> str:
        return OWNER_CLASSES[self.owner]


CONTROLS: tuple[Control, ...] = (
    Control(
        "Learners' data",
        SHARED,
        "Every page that shows an attempt, an answer or progress first checks that it belongs to "
        "the person asking; anyone else gets “not found”. Passwords are stored only as slow, "
        "salted hashes. Learners can download everything kept about them as one file, and "
        "delete their account with all of it (“Your data”, in the account pages).",
        "Back up the database, test that a backup restores, and limit who can reach the "
        "database server and its files. A deleted account stays in your backups until they "
        "expire: keep them no longer than you need.",
        "/learn/shared-responsibility/of-and-in-the-cloud/",
    ),
    Control(
        "Accounts and sign-in",
        APP,
        "Sign-up, sign-in, password change and reset run on django-allauth. Repeated failed "
        "sign-ins are throttled. Changing the account's e-mail addresses or two-factor "
        "settings, or closing it, asks for the password or second factor again. Staff and "
        "instructors must set up multi-factor authentication (an authenticator app with "
        "recovery codes, or a passkey) before the admin and the teaching pages open; learners "
        "may turn it on.",
        "Give the app working e-mail settings so password-reset messages arrive, and tell your "
        "staff to keep their recovery codes somewhere safe.",
        "/learn/iam/mfa/",
    ),
    Control(
        "Roles and permissions",
        SHARED,
        "Three roles, each with the least it needs: learners (everyone who signs up), "
        "instructors (the Instructors group) and admins (staff). The groups' permissions are "
        "created by a migration and checked by a test.",
        "Use the superuser only to set the app up, as you would an AWS root user. Make an "
        "everyday admin account for yourself, and add people to Instructors only when they "
        "teach.",
        "/learn/iam/root-user/",
    ),
    Control(
        "Input and work per request",
        APP,
        "Request bodies, policy sizes, JSON nesting and statement counts have limits, each "
        "refused with a message that says what and where. Each request has a budget of about "
        "100 ms of server CPU, and a fuzzer sends thousands of hostile inputs to check that "
        "nothing crashes. No input reaches eval, and none can make a regular expression "
        "backtrack: the WAF lab's regex rules run on RE2, which takes time linear in the text "
        "(each rule counted at its slowest in the lab's work limit), and wildcards are matched "
        "without backtracking.",
        "Keep the limits in front of the app too: your proxy's body-size and header-size "
        "limits should be no larger than the app's.",
    ),
    Control(
        "What the browser runs",
        APP,
        "A strict Content-Security-Policy: scripts and styles come only from the app's own "
        "files, with no inline script and no CDN (the policy editor's generated stylesheet "
        "carries a nonce made for that one page). Every form and htmx request carries a CSRF "
        "token. Lesson Markdown is rendered, then cleaned with an allow-list; templates escape "
        "everything else. Pages cannot be framed by other sites.",
        "Serve the app on its own host name, so no other application shares its origin.",
    ),
    Control(
        "Rate limits",
        SHARED,
        "The sandbox, the API, quiz answers and sign-in are rate-limited per signed-in user, "
        "or per address and session for visitors. The counts live in a shared cache, so every "
        "worker process sees the same count; over the limit the answer is a 429 with "
        "Retry-After.",
        "Provide the cache: the database cache works on one machine; set CACHE_URL to a Redis "
        "server for several. Set how many proxies sit in front of the app, so it reads the "
        "visitor's real address and not the proxy's.",
    ),
    Control(
        "Audit",
        SHARED,
        "Sign-ins, failed sign-ins, MFA changes, role changes and content changes are recorded "
        "with who, what, when and from where, and admins can read them. A name typed at "
        "sign-in that is no account's is kept only as a keyed digest, never as typed.",
        "Keep the server's logs and the database long enough to investigate, and look at them.",
    ),
    Control(
        "Transport",
        SHARED,
        "In production the cookies are marked Secure (the session cookie is also out of "
        "scripts' reach), HTTP is redirected to HTTPS, and HSTS tells browsers to use HTTPS "
        "only.",
        "Terminate TLS at your proxy with a valid certificate and renew it. Let the app trust "
        "the proxy's forwarded scheme only when a proxy is really there.",
        "/learn/encryption-and-kms/encryption-basics/",
    ),
    Control(
        "Secrets and configuration",
        YOU,
        "Reads every setting from the environment and refuses to start when one is malformed, "
        "or when DJANGO_SECRET_KEY or the allowed host names are missing in production; "
        "“manage.py check --deploy” passes.",
        "Generate a long random DJANGO_SECRET_KEY and keep it, the database password and the "
        "e-mail password out of the repository, in your secret store.",
    ),
    Control(
        "Dependencies and run time",
        YOU,
        "Lists every dependency with a version range in pyproject.toml and makes no network "
        "calls while it runs: the AWS action catalogue, the stylesheet, the scripts and the "
        "QR codes for MFA are all local.",
        "Patch the operating system, Python and the dependencies, and rebuild when a security "
        "release comes out.",
        "/learn/detection/amazon-inspector/",
    ),
    Control(
        "Host, network and database server",
        YOU,
        "Runs as an ordinary WSGI application; it needs no privileges beyond its own files and "
        "its database.",
        "Run it as an unprivileged user, expose only the proxy to the internet, keep the "
        "database and the cache off the public network, and watch the host.",
        "/learn/denial-of-service/network-defences/",
    ),
)
