// Starts GOV.UK Frontend's components. Every page works without it: it only adds polish.
import { initAll } from '/static/dist/govuk-frontend.min.js'
initAll()
