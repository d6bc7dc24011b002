"""The kernel side of a live class: the HTTP clients with their offline queue, the student's widgets,
and the teacher's dashboard."""
