"""Result and comparison workbooks: writing, reading back, comparing."""

from planner.report.result_workbook import NotSolved, write_infeasibility_workbook, write_result_workbook

__all__ = ["NotSolved", "write_infeasibility_workbook", "write_result_workbook"]
