<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.org/app" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" numberMatched="1" numberReturned="1">
<wfs:member><app:lieu gml:id="lieu.1"><app:geom><gml:Point srsName="urn:ogc:def:crs:IGNF::LAMB93"><gml:pos>1 2</gml:pos></gml:Point></app:geom><app:code>A</app:code></app:lieu></wfs:member>
</wfs:FeatureCollection>
