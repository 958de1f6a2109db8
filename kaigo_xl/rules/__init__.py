"""The notice as code: pure functions, no files, no Excel.

Source: 厚生労働省老健局高齢者支援課 事務連絡 令和7年3月14日
「令和6年度介護人材確保・職場環境改善等事業を踏まえた老人保護措置費に係る支弁額等の改定の考え方及び改定の例等について」
(別添1 = 改定の考え方, 別添2 = Q&A). Paragraph numbers in the docstrings refer to it.
"""
