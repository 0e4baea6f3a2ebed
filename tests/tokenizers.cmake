# Tests of attnviz::tokenizers, Hugging Face tokenizers (included from tests/CMakeLists.txt).
# Labelled core by hand: attnviz::tokenizers is a core target.

# GPT-2's real vocabulary (../shared/data/gpt2-bpe) against its README's known encodings.
attnviz_add_test(test_tokenizer_gpt2 SOURCES core/test_tokenizer_gpt2.cpp LIBS attnviz::tokenizers LABELS core)

# Hand-checked fixtures (tests/data/tokenizers): WordPiece, byte fallback, Split regex, WordLevel.
attnviz_add_test(test_tokenizer_formats SOURCES core/test_tokenizer_formats.cpp LIBS attnviz::tokenizers LABELS core)

# `attnviz tokenize`: JSON lines, --lines, bad input (exit 2, one line).
attnviz_add_test(test_tokenize_cli SOURCES app/test_tokenize_cli.cpp LIBS Qt6::Core)
add_dependencies(test_tokenize_cli attnviz)

# Every refusal: unsupported types, malformed JSON, merges naming missing tokens, sizes.
attnviz_add_test(test_tokenizer_bad_input SOURCES core/test_tokenizer_bad_input.cpp LIBS attnviz::tokenizers LABELS core)
