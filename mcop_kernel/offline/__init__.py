"""The offline model's parts: reading questions, planning tool calls, writing answers."""
