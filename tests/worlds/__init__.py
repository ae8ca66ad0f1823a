"""Small world builders, one module per world: `sprint` (the `world` fixture's sprint), `review`
(proposed and confirmed series), `appeals` (Trace-an-Object drafts, published pages, tips files),
`dashboard` (a sprint worked over its days, figures known), `room` (PostgreSQL personal logins);
synthetic files: `vics` and `icse` (media lists), `crops` (images full of metadata), `packets`
(a packet without a database, hostile ZIPs)."""
