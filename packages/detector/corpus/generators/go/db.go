package main

import (
	"gorm.io/gorm"
	"gorm.io/plugin/opentelemetry/tracing"
)

// handles: one database seen through the plugin's default and through WithoutQueryVariables().
type handles struct{ vars, noVars *gorm.DB }

// traced opens the database twice, recreates and seeds its tables through the first handle, then puts the plugin on
// each (after seeding, so the seed's statements are not traced).
func traced(open func() (*gorm.DB, error)) (handles, error) {
	vars, err := open()
	if err != nil {
		return handles{}, err
	}
	if err := vars.Migrator().DropTable(&PostTag{}, &Tag{}, &Comment{}, &Post{}, &Author{}); err != nil {
		return handles{}, err
	}
	if err := seed(vars); err != nil {
		return handles{}, err
	}
	noVars, err := open()
	if err != nil {
		return handles{}, err
	}
	if err := vars.Use(tracing.NewPlugin(tracing.WithoutMetrics())); err != nil {
		return handles{}, err
	}
	return handles{vars, noVars}, noVars.Use(tracing.NewPlugin(tracing.WithoutMetrics(), tracing.WithoutQueryVariables()))
}
