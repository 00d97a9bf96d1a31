"""The expression stage: text → AST → IR and back (parser, lowering, the IR, printers)."""
