"""`vmservice preview-report`: a pull-request report from `pulumi preview --json` (pure functions from the
preview to Markdown, plus the namespace inventory they are checked against)."""
