// Runs first in <body>: tells GOV.UK Frontend's CSS that JavaScript is on, before anything paints.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
