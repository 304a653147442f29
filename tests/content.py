"""Writing small curricula into a temporary folder, for the loader tests of both apps."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# Every lesson file names at least two documentation pages; test lessons use these two.
TWO_SOURCES = (
    "sources: [{title: Page one, url: 'https://docs.aws.amazon.com/one.html'}, "
    "{title: Page two, url: 'https://docs.aws.amazon.com/two.html'}]"
)


# One scenario whose case the engine allows; tagged to the lesson iam/policies.
READ_REPORTS_SCENARIO = """
    - slug: read-reports
      title: Read the reports
      situation: Alice reads a report.
      lessons: [iam/policies]
      case:
        request:
          principal: arn:aws:iam::111122223333:user/alice
          action: s3:GetObject
          resource: arn:aws:s3:::reports/q1.csv
        identity_policies:
          - Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::reports/*"}
        expect: Allow
"""
