"""The prompt templates: the only place that says how a task text N becomes model input.

Training (`examples.py`) and generation import these, so a model is always
sampled with exactly the prompt it was trained on.

The task text comes first and the instruction after it, so the code prompt and
the skeleton prompt of one task share their first tokens (header + N). The
`shared_prefix` layout runs that common part once for both sequences, which is
what keeps EffiSkel's step cost close to plain SFT when task texts are long.
"""

from __future__ import annotations

CODE_INSTRUCTION = (
    "Write an efficient {language} solution to the task above: correct, and as fast as "
    "possible. Reply with the code only."
)
SKELETON_INSTRUCTION = (
    "Write the efficiency skeleton of a fast {language} solution to the task above: keep the "
    "performance-critical structure and write <MASK> for each omitted span."
)


def format_prompt(task_text: str, language: str = "Python") -> str:
    """The code-generation prompt for task text N; the model's answer follows it directly."""
    return _template(task_text, CODE_INSTRUCTION.format(language=language))


def format_skeleton_prompt(task_text: str, language: str = "Python") -> str:
    """The skeleton-task prompt for task text N (EffiSkel's auxiliary L_skeleton sequence)."""
    return _template(task_text, SKELETON_INSTRUCTION.format(language=language))


def _template(task_text: str, instruction: str) -> str:
    return f"### Task\n{task_text.strip()}\n\n### Instruction\n{instruction}\n\n### Response\n"
