package httpapi

import (
	"github.com/labstack/echo/v4"

	"cipherleaf.dev/shared/protocol"
)

// routes lists every endpoint of the server.
func (a *api) routes(e *echo.Echo) {
	e.Use(securityHeaders, a.observe, a.recoverPanics)

	e.GET("/healthz", a.handleHealth)
	if a.MetricsToken != "" {
		e.GET("/metrics", echo.WrapHandler(a.Metrics.Handler()), a.requireMetricsToken)
	}

	v1 := e.Group(protocol.PathPrefix, a.limitBody)
	v1.POST("/auth/params", a.handleParams)
	v1.POST("/auth/register", a.handleRegister)
	v1.POST("/auth/login", a.handleLogin)
	v1.POST("/auth/refresh", a.handleRefresh)
	v1.POST("/auth/recovery", a.handleRecovery)
	v1.POST("/auth/recover", a.handleRecover)
	v1.POST("/auth/login/2fa", a.handleLoginTwoFactor)

	authed := v1.Group("", a.requireAuth, a.requireEnrolled, a.reserveBody)
	authed.GET("/account/2fa", a.handleTwoFactorStatus)
	authed.POST("/account/2fa/enrol", a.handleTwoFactorEnrol)
	authed.POST("/account/2fa/confirm", a.handleTwoFactorConfirm)
	authed.POST("/account/2fa/disable", a.handleTwoFactorDisable)
	authed.POST("/auth/logout", a.handleLogout)
	authed.GET("/sessions", a.handleListSessions)
	authed.DELETE("/sessions/:id", a.handleRevokeSession)
	authed.DELETE("/sessions", a.handleRevokeOtherSessions)
	authed.POST("/account/password", a.handleChangePassword)
	authed.GET("/account/keys", a.handleGetKeys)
	authed.PUT("/account/keys", a.handlePutKeys)
	authed.PUT("/account/recovery", a.handleSetRecovery)
	authed.DELETE("/account", a.handleDeleteAccount)
	authed.GET("/notes", a.handleChanges)
	authed.POST("/notes/batch", a.handleBatch)
	authed.PUT("/notes/:id", a.handlePutNote)
	authed.DELETE("/notes/:id", a.handleDeleteNote)
	authed.GET("/notes/:id/revisions", a.handleRevisions)
	authed.GET("/notes/:id/revisions/:rev", a.handleRevision)
	authed.GET("/manifest", a.handleGetManifest)
	authed.PUT("/manifest", a.handlePutManifest)
	authed.GET("/events", a.handleEvents)

	// Attachments stream raw bytes: bound by the attachment limit, not MaxBody.
	att := e.Group(protocol.PathPrefix+"/attachments", a.requireAuth, a.requireEnrolled)
	att.POST("", a.handleDeclareAttachment, a.limitBody)
	att.PATCH("/:id", a.handleUploadAttachment)
	att.GET("/:id", a.handleGetAttachment)
	att.DELETE("/:id", a.handleReleaseAttachment)
}
