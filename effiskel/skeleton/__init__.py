"""Efficiency skeletons (paper §3.2): what a task's efficient solutions share.

    sms.py      lexical: an ordered common token subsequence (SMS)
    sss.py      syntactic: shared AST subtrees by Dice similarity (SSS)
    tas.py      time-aware: SSS plus every solution's hot statements (TAS)
    inefficiency.py  SkelDPO's rejected skeleton: a slow solution's unmatched and hot statements
    render.py   character masks → skeleton text with <MASK>
    extract.py  one task's rows: each efficient solution in turn as C_ref, per strategy
"""
