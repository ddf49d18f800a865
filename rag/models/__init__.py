"""The models: the bundled GGUFs and their catalogue, llama.cpp on loopback, the Hub,
one OpenAI client for every chat model, and the yes/no judge the verifier asks.

Owns reaching a model; what is asked of it belongs to answer/ and verify/.
"""
