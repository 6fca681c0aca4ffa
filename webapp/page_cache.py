"""Pages that are the same for everyone: browsers and the cache in front (nginx's, in public mode) may keep
them for PAGE_CACHE_SECONDS, so a flood of page views costs the app one rendering a minute."""

import functools

from flask import current_app, make_response


def shared(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["PAGE_CACHE_SECONDS"]
        return response

    return wrapper
