"""Tech finance (科技金融): credit products as data, bank-side evaluation and credit lines, consent-scoped
bank access, the loan lifecycle with risk-compensation claims, and financing statistics."""
