<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.org/app" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" numberMatched="3" numberReturned="3">
<wfs:member><app:lieu gml:id="lieu.1"><app:geom><gml:LineString srsName="urn:ogc:def:crs:EPSG::4326"><gml:posList>48.1 2.1 48.2 2.2 48.3 2.25</gml:posList></gml:LineString></app:geom><app:code>L1</app:code></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.2"><app:geom><gml:LineString srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48.1 2.1</gml:pos><gml:pos>48.15 2.3</gml:pos></gml:LineString></app:geom><app:code>L2</app:code></app:lieu></wfs:member>
<wfs:member><app:lieu gml:id="lieu.3"><app:geom><gml:Curve srsName="urn:ogc:def:crs:EPSG::4326"><gml:segments><gml:LineStringSegment><gml:posList>48.0 2.0 48.1 2.1</gml:posList></gml:LineStringSegment><gml:LineStringSegment><gml:posList>48.1 2.1 48.2 2.15</gml:posList></gml:LineStringSegment></gml:segments></gml:Curve></app:geom><app:code>L3</app:code></app:lieu></wfs:member>
</wfs:FeatureCollection>
