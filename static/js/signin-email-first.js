// Email first, on one page (templates/registration/login.html). Without this script the page asks
// for the email, and the server answers with a second page for the password. With it, the password
// appears here as soon as the address typed is not of a domain whose LA signs its staff in through
// its own provider (those go to their provider when the form is sent, as without the script).
// Nothing here asks the server anything: whether an account exists is never shown.
(function () {
  'use strict'
  const form = document.querySelector('form[data-email-first]')
  const listed = document.getElementById('sso-domains')
  if (!form || !listed) return
  const domains = JSON.parse(listed.textContent)
  const email = form.querySelector('input[name="username"]')
  const step = form.querySelector('[data-password-step]')
  const password = step && step.querySelector('input[name="password"]')
  const button = form.querySelector('[data-email-first-button]')
  if (!email || !password || !button) return

  function domainOf (value) {
    const at = value.lastIndexOf('@')
    return at < 0 ? '' : value.slice(at + 1).trim().toLowerCase()
  }

  function show (passwordWanted) {
    step.hidden = !passwordWanted
    password.disabled = !passwordWanted
    button.textContent = passwordWanted ? 'Sign in' : 'Continue'
  }

  // finished: the person has left the field, so a domain that is only the start of an LA's
  // (northshire.gov of northshire.gov.uk) is taken as typed.
  function decide (finished) {
    const domain = domainOf(email.value)
    if (!domain) {
      show(false)
      return
    }
    if (domains.includes(domain)) {
      show(false)
      return
    }
    const stillTyping = !finished && domains.some(function (listed) { return listed.startsWith(domain) })
    show(!stillTyping)
  }

  // Enter in the email field once the password has appeared is "Continue", not a sign-in with
  // no password: the password field takes the focus instead of an error.
  form.addEventListener('submit', function (event) {
    if (!step.hidden && !password.disabled && password.value === '') {
      event.preventDefault()
      password.focus()
    }
  })
  email.addEventListener('input', function () { decide(false) })
  email.addEventListener('change', function () { decide(true) })
  if (password.disabled) decide(false)
})()
