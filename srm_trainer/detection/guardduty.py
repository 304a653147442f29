"""GuardDuty finding types and severities, in words.

A finding type reads ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact
(Amazon GuardDuty User Guide, "GuardDuty finding format"); the mechanism and the artifact are
optional. `decode_type` splits one into its parts.

Severity is a number from 1.0 to 10.0, in four documented bands (GuardDuty User Guide,
"Severity levels of GuardDuty findings"): Critical 9.0–10.0 (added with Extended Threat
Detection's attack sequences), High 7.0–8.9, Medium 4.0–6.9, Low 1.0–3.9. A value between two
written bounds (8.95) belongs to the lower band here, as the bands are written to one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FORMAT_DOC = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-format.html"
SEVERITY_DOC = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html"

# Threat purposes, in our words (GuardDuty finding format, "Threat purposes").
PURPOSES = {
    "AttackSequence": "several related signals that together look like one attack in "
    "stages (GuardDuty Extended Threat Detection)",
    "Backdoor": "a resource has been compromised and can be controlled by an attacker",
    "Behavior": "activity that departs from the usual baseline for the resource",
    "CredentialAccess": "an attempt to obtain passwords, keys or other credentials",
    "CryptoCurrency": "software or traffic linked to cryptocurrency, such as mining",
    "DefenseEvasion": "an attempt to avoid being detected, such as turning logging off",
    "Discovery": "an attempt to learn about your account, its resources or its network",
    "Execution": "code being run that may be malicious",
    "Exfiltration": "data being taken out of your environment",
    "Impact": "an attempt to disrupt, destroy or misuse your resources or data",
    "InitialAccess": "an attempt to gain a first foothold in your environment",
    "PenTest": "activity that looks like a penetration-testing tool",
    "Persistence": "an attempt to keep access, for example by creating credentials",
    "Policy": "a configuration that goes against recommended security practice",
    "PrivilegeEscalation": "an attempt to gain more permissions than the identity was given",
    "Recon": "reconnaissance: probing or scanning ahead of an attack",
    "Stealth": "an attempt to hide activity or cover tracks",
    "Trojan": "a program that behaves like known trojan malware",
    "UnauthorizedAccess": "access that looks unauthorized, such as logins from unusual places",
}


@dataclass(frozen=True)
class FindingType:
    text: str
    purpose: str
    resource: str
    family: str
    mechanism: str = ""
    artifact: str = ""

    @property
    def purpose_words(self) -> str:
        return PURPOSES.get(self.purpose, "")


def decode_type(text: str) -> FindingType | None:
    """The parts of a finding type, or None when `text` is not in the documented format."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    purpose, colon, rest = text.partition(":")
    resource, slash, name = rest.partition("/")
    if not (colon and slash and purpose and resource and name):
        return None
    name, _, artifact = name.partition("!")
    family, _, mechanism = name.partition(".")
    if not family:
        return None
    return FindingType(text, purpose, resource, family, mechanism, artifact)


@dataclass(frozen=True)
class Band:
    name: str
    low: Decimal
    high: Decimal

    @property
    def range(self) -> str:
        return f"{self.low}–{self.high}"


BANDS = (
    Band("Critical", Decimal("9.0"), Decimal("10.0")),
    Band("High", Decimal("7.0"), Decimal("8.9")),
    Band("Medium", Decimal("4.0"), Decimal("6.9")),
    Band("Low", Decimal("1.0"), Decimal("3.9")),
)


def severity_band(value: Decimal | float | int | str) -> Band | None:
    """The band a GuardDuty severity falls in, or None outside 1.0–10.0."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    if not number.is_finite() or number < Decimal("1.0") or number > Decimal("10.0"):
        return None
    return next(b for b in BANDS if number >= b.low)
