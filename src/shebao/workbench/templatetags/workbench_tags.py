from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dict lookup with a variable key ("" when absent)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
