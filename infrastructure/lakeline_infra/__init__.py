"""The lakeline platform as CDK constructs: one per capability, composed by one stack per environment."""
