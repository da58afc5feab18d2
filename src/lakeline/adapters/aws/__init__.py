"""AWS adapters: the same ports as the local ones, on real AWS APIs (boto3, imported lazily)."""
